using System.Text.Json;
using System.Text.Json.Serialization;

namespace Defender365.Toolkit.Emulator;

/// <summary>
/// A set of faults the emulator injects the way production does: transport failures, throttling in each API's own
/// shape, per-tenant quotas, the services' own errors, consent lag. Load one from a JSON file
/// (<c>defender365 emulator --faults faults.json</c>) or build it in code, and apply it with
/// <see cref="EmulatorFaults.Apply"/>.
/// </summary>
/// <example>
/// <code>
/// {
///   "seed": 7,
///   "rules": [
///     { "fault": "dropMidBody", "probability": 0.05 },
///     { "fault": "throttleInBody", "probability": 0.05, "seconds": 1 },
///     { "fault": "quota", "operation": "RunAdvancedHuntingQuery", "perMinute": 45, "perHour": 1500 },
///     { "fault": "tokenError", "tenant": "contoso.onmicrosoft.com", "error": "AADSTS650052" }
///   ]
/// }
/// </code>
/// </example>
public sealed class EmulatorFaultProfile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>The seed of the random draws, for a run that fails the same way twice. Default: a new seed per run.</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// How long a permission granted with <see cref="EmulatorFaults.GrantConsent"/> takes to show in new tokens (tokens
    /// issued before a grant or a revocation keep their roles until they expire, as Entra's do). Default: none.
    /// </summary>
    public TimeSpan ConsentLag { get; set; }

    /// <summary>The rules, tried in order for each request; the first that fires decides.</summary>
    public IList<EmulatorFaultRule> Rules { get; } = [];

    /// <summary>Reads a profile from a JSON file.</summary>
    /// <exception cref="FormatException">The file is not a valid profile; the message names the file, line and position.</exception>
    public static EmulatorFaultProfile Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    /// <summary>Reads a profile from JSON text.</summary>
    /// <param name="json">The profile.</param>
    /// <param name="source">Where the text came from, for error messages.</param>
    /// <exception cref="FormatException">The text is not a valid profile; the message names the line and position.</exception>
    public static EmulatorFaultProfile Parse(string json, string source = "the fault profile")
    {
        ArgumentNullException.ThrowIfNull(json);
        ProfileDocument document;
        try
        {
            document = JsonSerializer.Deserialize<ProfileDocument>(json, Json) ?? throw new FormatException($"{source} is empty (null).");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            throw new FormatException($"{source} is not a valid fault profile{where}: {e.Message.Split(" Path:")[0]}", e);
        }

        var profile = new EmulatorFaultProfile { Seed = document.Seed, ConsentLag = TimeSpan.FromSeconds(document.ConsentLagSeconds ?? 0) };
        for (var i = 0; i < (document.Rules?.Count ?? 0); i++)
        {
            var rule = document.Rules![i];
            try
            {
                rule.Validate();
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"{source}: rule {i + 1} ({rule.Fault}): {e.Message}", e);
            }

            profile.Rules.Add(rule);
        }

        if (document.ConsentLagSeconds is < 0)
        {
            throw new FormatException($"{source}: consentLagSeconds must not be negative.");
        }

        return profile;
    }

    private sealed class ProfileDocument
    {
        public int? Seed { get; set; }

        public double? ConsentLagSeconds { get; set; }

        public List<EmulatorFaultRule>? Rules { get; set; }
    }
}

/// <summary>One fault: what happens, to which requests, how often.</summary>
public sealed class EmulatorFaultRule
{
    /// <summary>What happens.</summary>
    public EmulatorFaultKind Fault { get; set; }

    /// <summary>The chance it fires for a matching request, 0 to 1. Default 1.</summary>
    public double Probability { get; set; } = 1;

    /// <summary>At most this many times (then the rule is spent). Default: no limit.</summary>
    public int? Count { get; set; }

    /// <summary>Only requests of this catalog operation id. Default: any.</summary>
    public string? Operation { get; set; }

    /// <summary>Only requests of this tenant (id or domain). Default: any.</summary>
    public string? Tenant { get; set; }

    /// <summary>The wait a throttle names, how long a body stalls, or how long a timeout holds the answer.</summary>
    public double Seconds { get; set; } = 1;

    /// <summary>The status of a <see cref="EmulatorFaultKind.ServerError"/>. Default 503.</summary>
    public int Status { get; set; } = 503;

    /// <summary>For <see cref="EmulatorFaultKind.DropMidBody"/>: bytes sent before the drop. Default: half the body.</summary>
    public int? AfterBytes { get; set; }

    /// <summary>For <see cref="EmulatorFaultKind.Quota"/>: calls allowed per tenant in a minute.</summary>
    public int? PerMinute { get; set; }

    /// <summary>For <see cref="EmulatorFaultKind.Quota"/>: calls allowed per tenant in an hour.</summary>
    public int? PerHour { get; set; }

    /// <summary>For <see cref="EmulatorFaultKind.Quota"/>: requests of a tenant in flight at once (Secure Score: 4); one more is answered 429.</summary>
    public int? Concurrent { get; set; }

    /// <summary>For <see cref="EmulatorFaultKind.TokenError"/>: <c>AADSTS650052</c>, <c>AADSTS7000222</c> or <c>AADSTS90002</c>.</summary>
    public string? Error { get; set; }

    internal void Validate()
    {
        if (!Enum.IsDefined(Fault))
        {
            throw new ArgumentException($"unknown fault {Fault}.");
        }

        if (double.IsNaN(Probability) || Probability is < 0 or > 1)
        {
            throw new ArgumentException("probability must be between 0 and 1.");
        }

        if (Count is < 0)
        {
            throw new ArgumentException("count must not be negative.");
        }

        if (!double.IsFinite(Seconds) || Seconds is < 0 or > 86_400)
        {
            throw new ArgumentException("seconds must be between 0 and 86400.");
        }

        if (Fault == EmulatorFaultKind.ServerError && Status is < 500 or > 599)
        {
            throw new ArgumentException("status must be a 5xx status.");
        }

        if (Fault == EmulatorFaultKind.Quota && PerMinute is null && PerHour is null && Concurrent is null)
        {
            throw new ArgumentException("a quota needs perMinute, perHour and/or concurrent.");
        }

        if (PerMinute is < 1 || PerHour is < 1 || Concurrent is < 1 || AfterBytes is < 0)
        {
            throw new ArgumentException("perMinute, perHour, concurrent and afterBytes must be positive.");
        }

        if (Fault == EmulatorFaultKind.TokenError && Error is not ("AADSTS650052" or "AADSTS7000222" or "AADSTS90002"))
        {
            throw new ArgumentException("error must be AADSTS650052, AADSTS7000222 or AADSTS90002.");
        }

        if (Operation is not null && !Catalog.DefenderCatalog.Default.Operations.Any(o => o.Id == Operation))
        {
            throw new ArgumentException($"'{Operation}' is not a catalog operation id.");
        }
    }
}

/// <summary>The faults a profile can inject.</summary>
public enum EmulatorFaultKind
{
    /// <summary>The connection is reset before any byte of the answer.</summary>
    ConnectionReset,

    /// <summary>The headers and part of the body are sent (<see cref="EmulatorFaultRule.AfterBytes"/>), then the connection drops.</summary>
    DropMidBody,

    /// <summary>Half the body is sent, then nothing for <see cref="EmulatorFaultRule.Seconds"/>, then the rest.</summary>
    StallBody,

    /// <summary><c>Content-Length</c> claims a thousand times the body; the body is sent and the connection closed.</summary>
    LyingContentLength,

    /// <summary>No answer for <see cref="EmulatorFaultRule.Seconds"/> (the client's timeout is what ends it), then the answer.</summary>
    Timeout,

    /// <summary>HTTP 429 with <c>Retry-After</c> in seconds (Defender for Endpoint, Graph).</summary>
    ThrottleRetryAfter,

    /// <summary>HTTP 429 with <c>retry-after-ms</c>.</summary>
    ThrottleRetryAfterMs,

    /// <summary>HTTP 429 with no header: the wait only in the error message (Defender XDR, advanced hunting).</summary>
    ThrottleInBody,

    /// <summary>
    /// A per-tenant quota (<see cref="EmulatorFaultRule.PerMinute"/>, <see cref="EmulatorFaultRule.PerHour"/>,
    /// <see cref="EmulatorFaultRule.Concurrent"/>): 429 naming the window once spent, as hunting does, or the requests in
    /// flight.
    /// </summary>
    Quota,

    /// <summary>A 5xx answer (<see cref="EmulatorFaultRule.Status"/>).</summary>
    ServerError,

    /// <summary>403 <c>DisabledFeature</c>: the tenant has no Defender for Endpoint licence.</summary>
    DisabledFeature,

    /// <summary>Machine actions stay <c>Pending</c>.</summary>
    PendingMachineActions,

    /// <summary>A list's <c>@odata.nextLink</c> points back at the page that returned it.</summary>
    RepeatNextLink,

    /// <summary>The token service refuses the tenant with <see cref="EmulatorFaultRule.Error"/>.</summary>
    TokenError,
}
