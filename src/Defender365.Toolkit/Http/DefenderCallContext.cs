using Azure.Core;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Http;

/// <summary>What the pipeline policies need to know about a message: the operation, the tenant and where it goes.</summary>
internal sealed record DefenderCallContext(DefenderOperation Operation, string TenantId, DefenderCloudEndpoint Endpoint)
{
    public void AttachTo(HttpMessage message) => message.SetProperty(typeof(DefenderCallContext), this);

    public static DefenderCallContext Of(HttpMessage message) =>
        message.TryGetProperty(typeof(DefenderCallContext), out var value) && value is DefenderCallContext context
            ? context
            : throw new InvalidOperationException("The message was not created by DefenderOperationInvoker.");
}
