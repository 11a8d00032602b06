using Defender365.Toolkit.Emulator.Data;
using Defender365.Toolkit.Emulator.Identity;

namespace Defender365.Toolkit.Emulator.Hosting;

/// <summary>Everything the endpoints share: configuration, signing key, counters, faults and the data.</summary>
internal sealed class EmulatorState(EmulatorOptions options, TokenIssuer issuer, EmulatorFaults faults, EmulatorStatistics statistics, DataStore data)
{
    public EmulatorOptions Options { get; } = options;

    public TokenIssuer Issuer { get; } = issuer;

    public EmulatorFaults Faults { get; } = faults;

    public EmulatorStatistics Statistics { get; } = statistics;

    public DataStore Data { get; } = data;

    /// <summary>Set once the server listens.</summary>
    public Uri BaseAddress { get; set; } = null!;
}
