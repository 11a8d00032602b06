
namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// Which handler serves which operation. Operations with stateful behaviour (incidents, alerts, machines, machine
/// actions, indicators, the live response library, hunting, and the Graph security operations) have their own; every
/// other catalog operation gets a response shaped from its catalog entity (<see cref="SampleResponses"/>).
/// </summary>
internal sealed class OperationHandlers
{
    private readonly Dictionary<string, Func<ApiRequest, IResult>> _handlers = new(StringComparer.Ordinal);

    public OperationHandlers()
    {
        IncidentHandlers.Register(_handlers);
        AlertHandlers.Register(_handlers);
        MachineHandlers.Register(_handlers);
        MachineActionHandlers.Register(_handlers);
        IndicatorHandlers.Register(_handlers);
        LibraryHandlers.Register(_handlers);
        HuntingHandlers.Register(_handlers);
        GraphHandlers.Register(_handlers);
        GraphDetectionRuleHandlers.Register(_handlers);
        GraphSecureScoreHandlers.Register(_handlers);
        GraphThreatIntelligenceHandlers.Register(_handlers);
        GraphIdentityHandlers.Register(_handlers);
        GraphCustomerHandlers.Register(_handlers);
    }

    public Task<IResult> HandleAsync(ApiRequest request) =>
        Task.FromResult(_handlers.TryGetValue(request.Operation.Id, out var handler) ? handler(request) : SampleResponses.Handle(request));
}
