using System.Collections.Concurrent;

namespace Defender365.Toolkit.Quotas;

/// <summary>
/// The quota counts of one process: what the governor uses without a shared store, and while the shared one fails.
/// The same slotted windows as the Redis store's script, on this process's clock.
/// </summary>
internal sealed class LocalQuotaStore : IDefenderQuotaStore
{
    private readonly ConcurrentDictionary<string, KeyState> _keys = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _nextSweep;

    public LocalQuotaStore(TimeProvider time) => _time = time;

    /// <summary>How many keys hold state (for tests: idle keys are dropped).</summary>
    internal int KeyCount => _keys.Count;

    public ValueTask<DefenderQuotaDecision> TryTakeAsync(string key, DefenderQuota quota, int count, string requestId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcTicks;
        DefenderQuotaDecision decision;
        while (true)
        {
            var state = _keys.GetOrAdd(key, static (_, q) => new KeyState(q), quota);
            lock (state)
            {
                // Dropped as idle between the lookup and the lock: count in the state that replaces it.
                if (state.Removed)
                {
                    continue;
                }

                state.LastUsed = now;
                decision = state.TryTake(quota, count, now);
                break;
            }
        }

        Sweep(now);
        return ValueTask.FromResult(decision);
    }

    public ValueTask ReleaseAsync(string key, string requestId, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(key, out var state))
        {
            lock (state)
            {
                state.InFlight = Math.Max(0, state.InFlight - 1);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask PauseAsync(string key, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcTicks;
        while (true)
        {
            var state = _keys.GetOrAdd(key, static _ => new KeyState(null));
            lock (state)
            {
                if (state.Removed)
                {
                    continue;
                }

                state.LastUsed = now;
                state.PausedUntil = Math.Max(state.PausedUntil, now + Math.Min(duration.Ticks, long.MaxValue - now));
                return ValueTask.CompletedTask;
            }
        }
    }

    // Thousands of tenants come and go: a key idle for longer than its longest window (and not paused, with nothing in
    // flight) holds nothing that limits a call, so it is dropped. Checked once a minute, not on every call.
    private void Sweep(long now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + TimeSpan.TicksPerMinute, next) != next)
        {
            return;
        }

        foreach (var (key, state) in _keys)
        {
            lock (state)
            {
                if (state.IsIdle(now))
                {
                    state.Removed = true;
                    _keys.TryRemove(new KeyValuePair<string, KeyState>(key, state));
                }
            }
        }
    }

    private sealed class KeyState
    {
        private SlottedWindow[] _windows;

        public KeyState(DefenderQuota? quota) =>
            _windows = quota is null ? [] : quota.Windows.Select(w => new SlottedWindow(w)).ToArray();

        public long LastUsed { get; set; }

        public long PausedUntil { get; set; }

        public int InFlight { get; set; }

        public bool Removed { get; set; }

        public DefenderQuotaDecision TryTake(DefenderQuota quota, int count, long now)
        {
            if (_windows.Length != quota.Windows.Count)
            {
                // Made by a pause before the first call: the windows come with the quota.
                _windows = quota.Windows.Select(w => new SlottedWindow(w)).ToArray();
            }

            var wait = Math.Max(0, PausedUntil - now);
            foreach (var window in _windows)
            {
                wait = Math.Max(wait, window.TicksUntilRoom(now, count));
            }

            if (wait > 0)
            {
                return new DefenderQuotaDecision(false, TimeSpan.FromTicks(wait));
            }

            if (count > 0 && quota.MaxConcurrentRequests is int max && InFlight >= max)
            {
                return new DefenderQuotaDecision(false, TimeSpan.Zero);
            }

            if (count > 0)
            {
                foreach (var window in _windows)
                {
                    window.Add(now, count);
                }

                if (quota.MaxConcurrentRequests is not null)
                {
                    InFlight += count;
                }
            }

            return DefenderQuotaDecision.Grant;
        }

        public bool IsIdle(long now)
        {
            var longest = _windows.Length == 0 ? 0 : _windows.Max(w => w.LengthTicks);
            return InFlight == 0 && PausedUntil <= now && now - LastUsed > longest;
        }
    }

    /// <summary>One window counted in slots: slot <c>i</c> holds the calls of [i·d, (i+1)·d) for slot length d.</summary>
    private sealed class SlottedWindow
    {
        private readonly int _limit;
        private readonly long _slotTicks;
        private readonly long[] _slotIndex;
        private readonly int[] _counts;

        public SlottedWindow(DefenderQuotaWindow window)
        {
            _limit = window.Limit;
            _slotTicks = Math.Max(1, window.SlotLength.Ticks);
            LengthTicks = _slotTicks * DefenderQuotaWindow.SlotsPerWindow;
            // The slots the window spans: the current one, and the oldest partly inside it.
            _slotIndex = new long[DefenderQuotaWindow.SlotsPerWindow + 1];
            _counts = new int[DefenderQuotaWindow.SlotsPerWindow + 1];
            Array.Fill(_slotIndex, long.MinValue);
        }

        public long LengthTicks { get; }

        /// <summary>0 when <paramref name="count"/> more calls fit now; else the ticks until enough old slots have left the window.</summary>
        public long TicksUntilRoom(long now, int count)
        {
            var current = now / _slotTicks;
            var oldest = current - DefenderQuotaWindow.SlotsPerWindow;
            var used = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                if (_slotIndex[i] >= oldest)
                {
                    used += _counts[i];
                }
            }

            // Looking (count 0) asks whether one call would fit.
            var needed = Math.Max(count, 1);
            if (used + needed <= _limit)
            {
                return 0;
            }

            // Slot j counts until the clock reaches slot j + SlotsPerWindow + 1: free the oldest until the calls fit.
            for (var slot = oldest; slot <= current; slot++)
            {
                var position = (int)(slot % _counts.Length);
                if (_slotIndex[position] == slot)
                {
                    used -= _counts[position];
                    if (used + needed <= _limit)
                    {
                        return ((slot + DefenderQuotaWindow.SlotsPerWindow + 1) * _slotTicks) - now;
                    }
                }
            }

            // More than the whole window allows (a count above the limit): never.
            return LengthTicks;
        }

        public void Add(long now, int count)
        {
            var current = now / _slotTicks;
            var position = (int)(current % _counts.Length);
            if (_slotIndex[position] != current)
            {
                _slotIndex[position] = current;
                _counts[position] = 0;
            }

            _counts[position] += count;
        }
    }
}
