namespace Choreblimey.Webhooks.CrashHarness;

/// <summary>Tags every outgoing webhook with the worker that sent it, so the test's receiver can tell the processes apart.</summary>
internal sealed class WorkerTagHandler(string workerId) : DelegatingHandler
{
    /// <summary>The header; the crash tests read it under the same name.</summary>
    public const string HeaderName = "x-crash-worker";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation(HeaderName, workerId);
        return base.SendAsync(request, cancellationToken);
    }
}
