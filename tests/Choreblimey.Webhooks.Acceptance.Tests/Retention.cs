using Choreblimey.Webhooks.Testing;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>Waits for the retention service's purge, which runs on the host's (test) clock every retention interval.</summary>
internal static class Retention
{
    /// <summary>
    /// Waits until <paramref name="purged"/> holds. The purge loop may not have re-armed its timer when the test moved the clock,
    /// so when the condition does not hold after a short real-time wait, the clock is stepped one more interval (at most three times).
    /// </summary>
    public static async Task PurgedAsync(WebhookTestClock clock, Func<Task<bool>> purged, TimeSpan? interval = null)
    {
        for (var step = 0; step <= 3; step++)
        {
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (DateTime.UtcNow < deadline)
            {
                if (await purged())
                {
                    return;
                }

                await Task.Yield();
                await Task.Delay(5);
            }

            clock.Advance(interval ?? TimeSpan.FromHours(1));
        }

        Assert.Fail("The retention purge did not remove the expired entries.");
    }
}
