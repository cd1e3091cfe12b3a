using Choreblimey.Webhooks.Testing;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>Answers slowly (in real time) and records the most requests ever in flight to one URL at once.</summary>
internal sealed class ConcurrencyProbe
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Uri, int> _current = [];

    public int MaxPerUrl { get; private set; }

    public void Install(WebhookTestReceiver receiver) => receiver.RespondWith(async (request, token) =>
    {
        lock (_gate)
        {
            _current[request.Url] = _current.GetValueOrDefault(request.Url) + 1;
            MaxPerUrl = Math.Max(MaxPerUrl, _current[request.Url]);
        }

        try
        {
            await Task.Delay(20, token);
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        }
        finally
        {
            lock (_gate)
            {
                _current[request.Url]--;
            }
        }
    });
}
