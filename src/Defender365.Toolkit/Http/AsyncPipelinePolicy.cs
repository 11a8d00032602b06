using Azure.Core;
using Azure.Core.Pipeline;

namespace Defender365.Toolkit.Http;

/// <summary>
/// A pipeline policy written once: Azure.Core calls a policy synchronously or asynchronously, and both run the same
/// code; the synchronous path blocks on it.
/// </summary>
internal abstract class AsyncPipelinePolicy : HttpPipelinePolicy
{
    public sealed override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessCoreAsync(message, pipeline, async: true);

    public sealed override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessCoreAsync(message, pipeline, async: false).AsTask().GetAwaiter().GetResult();

    /// <summary>The policy's work, for either path.</summary>
    protected abstract ValueTask ProcessCoreAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async);

    /// <summary>Hands the message to the rest of the pipeline on the caller's path.</summary>
    protected static async ValueTask SendNextAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        if (async)
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        else
        {
            ProcessNext(message, pipeline);
        }
    }
}
