using System.Collections.Concurrent;
using Defender365.Toolkit.Sync;
using IncidentSync.Defender.Models;
using Microsoft.Data.Sqlite;

namespace IncidentSync;

/// <summary>
/// The incidents in SQLite, and the sync cursors beside them: a page's incidents and the cursor after it are written in
/// one transaction, so a crash leaves both before the page or both after it, and nothing is stored twice.
/// </summary>
/// <remarks>
/// It is the sync's store (<see cref="IDefenderSyncStore"/>): a poll opens a session (its own connection), the page
/// handler writes the page with <see cref="StorePageAsync"/> inside the session's transaction, and the sync's save of
/// the cursor commits it. The lease is in this process only: one worker per database file.
/// </remarks>
internal sealed class IncidentDatabase : IDefenderSyncStore
{
    private readonly string _connectionString;
    private readonly ConcurrentDictionary<DefenderSyncKey, Session> _open = new();

    public IncidentDatabase(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        using var connection = Open();
        Execute(connection, null, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS incidents (
                tenant_id TEXT NOT NULL, id TEXT NOT NULL, last_update TEXT NOT NULL,
                status TEXT, severity TEXT, display_name TEXT, assigned_to TEXT,
                PRIMARY KEY (tenant_id, id));
            CREATE TABLE IF NOT EXISTS quarantine (
                tenant_id TEXT NOT NULL, id TEXT NOT NULL, reason TEXT NOT NULL, raw TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id));
            CREATE TABLE IF NOT EXISTS sync_cursors (
                tenant_id TEXT NOT NULL, collection TEXT NOT NULL, cursor TEXT NOT NULL,
                PRIMARY KEY (tenant_id, collection));
            """);
    }

    public ValueTask<IDefenderSyncSession?> TryOpenAsync(DefenderSyncKey key, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        key = key with { TenantId = key.TenantId.ToLowerInvariant() };
        var session = new Session(this, key, Open());
        if (!_open.TryAdd(key, session))
        {
            session.Connection.Dispose();
            return ValueTask.FromResult<IDefenderSyncSession?>(null);
        }

        using var read = session.Connection.CreateCommand();
        read.CommandText = "SELECT cursor FROM sync_cursors WHERE tenant_id = $tenant AND collection = $collection";
        read.Parameters.AddWithValue("$tenant", key.TenantId);
        read.Parameters.AddWithValue("$collection", key.Collection);
        session.Cursor = read.ExecuteScalar() as string;
        return ValueTask.FromResult<IDefenderSyncSession?>(session);
    }

    /// <summary>Writes a page's changes in the poll's transaction; the cursor's save commits it.</summary>
    public Task StorePageAsync(DefenderSyncKey key, IReadOnlyList<DefenderSyncItem<GraphIncident>> changes)
    {
        var session = _open[key with { TenantId = key.TenantId.ToLowerInvariant() }];
        var transaction = session.Begin();
        foreach (var change in changes)
        {
            if (change.Value is { } incident)
            {
                // Idempotent: a version already stored, or an older one, changes nothing.
                Execute(session.Connection, transaction, """
                    INSERT INTO incidents (tenant_id, id, last_update, status, severity, display_name, assigned_to)
                    VALUES ($tenant, $id, $lastUpdate, $status, $severity, $name, $assignedTo)
                    ON CONFLICT (tenant_id, id) DO UPDATE SET
                        last_update = excluded.last_update, status = excluded.status, severity = excluded.severity,
                        display_name = excluded.display_name, assigned_to = excluded.assigned_to
                    WHERE excluded.last_update >= incidents.last_update
                    """,
                    ("$tenant", session.Key.TenantId), ("$id", change.Id!), ("$lastUpdate", change.ChangedAt!.Value.UtcDateTime.ToString("O")),
                    ("$status", incident.Status?.ToString()), ("$severity", incident.Severity?.ToString()), ("$name", incident.DisplayName), ("$assignedTo", incident.AssignedTo));
            }
            else
            {
                Execute(session.Connection, transaction, "INSERT OR REPLACE INTO quarantine (tenant_id, id, reason, raw) VALUES ($tenant, $id, $reason, $raw)",
                    ("$tenant", session.Key.TenantId), ("$id", change.Id ?? "(no id)"), ("$reason", change.QuarantineReason), ("$raw", change.Raw.GetRawText()));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Incidents and quarantined items per tenant.</summary>
    public IReadOnlyList<(string Tenant, long Incidents, long Quarantined)> Counts()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT t.tenant_id,
                   (SELECT COUNT(*) FROM incidents i WHERE i.tenant_id = t.tenant_id),
                   (SELECT COUNT(*) FROM quarantine q WHERE q.tenant_id = t.tenant_id)
            FROM (SELECT tenant_id FROM incidents UNION SELECT tenant_id FROM quarantine) t ORDER BY t.tenant_id
            """;
        using var reader = command.ExecuteReader();
        var counts = new List<(string, long, long)>();
        while (reader.Read())
        {
            counts.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return counts;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, null, "PRAGMA busy_timeout = 10000;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }

    private sealed class Session(IncidentDatabase database, DefenderSyncKey key, SqliteConnection connection) : IDefenderSyncSession
    {
        private SqliteTransaction? _transaction;

        public DefenderSyncKey Key => key;

        public SqliteConnection Connection => connection;

        public string? Cursor { get; set; }

        public SqliteTransaction Begin() => _transaction ??= connection.BeginTransaction();

        public ValueTask SaveAsync(string cursor, CancellationToken cancellationToken = default)
        {
            var transaction = Begin();
            Execute(connection, transaction, "INSERT OR REPLACE INTO sync_cursors (tenant_id, collection, cursor) VALUES ($tenant, $collection, $cursor)",
                ("$tenant", key.TenantId), ("$collection", key.Collection), ("$cursor", cursor));
            transaction.Commit();
            transaction.Dispose();
            _transaction = null;
            Cursor = cursor;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            // A page written but not saved (the poll failed after it): rolled back with the cursor, so it comes again.
            _transaction?.Dispose();
            connection.Dispose();
            database._open.TryRemove(key, out _);
            return ValueTask.CompletedTask;
        }
    }
}
