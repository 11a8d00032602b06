using System.Globalization;

namespace IncidentSync;

/// <summary>The worker's settings (section <c>Sync</c>): the database file, the time between polls, how many polls to make.</summary>
/// <param name="Database">The SQLite file (default <c>incidents.db</c>).</param>
/// <param name="Interval">The time between two polls of all tenants (default 5 seconds; a minute or more against real tenants).</param>
/// <param name="Polls">Polls to make before stopping; 0 runs until the host stops.</param>
/// <param name="Tenants">The tenants to sync.</param>
internal sealed record SyncSettings(string Database, TimeSpan Interval, int Polls, IReadOnlyList<string> Tenants)
{
    public static SyncSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Sync");
        var interval = section["Interval"] is { } text ? TimeSpan.Parse(text, CultureInfo.InvariantCulture) : TimeSpan.FromSeconds(5);
        var polls = section["Polls"] is { } count ? int.Parse(count, CultureInfo.InvariantCulture) : 0;
        if (interval <= TimeSpan.Zero || polls < 0)
        {
            throw new InvalidOperationException("Sync:Interval must be positive and Sync:Polls zero or more.");
        }

        return new SyncSettings(section["Database"] ?? "incidents.db", interval, polls, []);
    }
}
