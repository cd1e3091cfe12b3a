using Choreblimey.Webhooks.Operations.Internal;
using Choreblimey.Webhooks.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>The health check's failure rate: this instance's recorded attempts over a sliding window, on a fake clock.</summary>
public sealed class FailureRateHealthTests
{
    private readonly WebhookTestClock _clock = new(TestServices.Start);

    private ServiceProvider Build(Action<WebhookMonitoringOptions> monitoring)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddWebhooks(o => monitoring(o.Monitoring));
        services.AddHealthChecks().AddWebhooksHealthCheck();
        return services.BuildServiceProvider();
    }

    private static void Record(IServiceProvider services, int succeeded, int failed)
    {
        var window = services.GetRequiredService<WebhookAttemptWindow>();
        for (var i = 0; i < succeeded; i++)
        {
            window.Record(WebhookAttemptOutcome.Succeeded);
        }

        for (var i = 0; i < failed; i++)
        {
            window.Record(i % 2 == 0 ? WebhookAttemptOutcome.HttpError : WebhookAttemptOutcome.TimedOut);
        }
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider services) =>
        (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["webhooks"];

    [Fact]
    public async Task A_failure_rate_at_a_threshold_degrades_then_fails_the_check_once_enough_attempts_were_made()
    {
        await using var services = Build(m =>
        {
            m.DegradedFailureRate = 0.5;
            m.UnhealthyFailureRate = 0.9;
            m.FailureRateMinimumAttempts = 10;
        });

        Record(services, succeeded: 1, failed: 8);
        var tooFew = await CheckAsync(services);
        Assert.Equal(HealthStatus.Healthy, tooFew.Status);
        Assert.Equal(9L, tooFew.Data["attempts"]);
        Assert.Equal(8L, tooFew.Data["failedAttempts"]);

        Record(services, succeeded: 1, failed: 0);
        var degraded = await CheckAsync(services);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal(0.8, (double)degraded.Data["failureRate"], precision: 6);
        Assert.Contains("8 of 10 attempts failed in the last 00:15:00 on this instance", degraded.Description, StringComparison.Ordinal);

        Record(services, succeeded: 0, failed: 10);
        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(services)).Status);
    }

    [Fact]
    public async Task Attempts_leave_the_window_as_the_clock_moves_on()
    {
        await using var services = Build(m =>
        {
            m.DegradedFailureRate = 0.5;
            m.FailureRateMinimumAttempts = 4;
            m.FailureRateWindow = TimeSpan.FromMinutes(10);
        });

        Record(services, succeeded: 0, failed: 4);
        Assert.Equal(HealthStatus.Degraded, (await CheckAsync(services)).Status);

        _clock.Advance(TimeSpan.FromMinutes(5));
        Record(services, succeeded: 4, failed: 0);
        var halfway = await CheckAsync(services);
        Assert.Equal(HealthStatus.Degraded, halfway.Status);
        Assert.Equal(8L, halfway.Data["attempts"]);

        // The failures are older than the window now; the successes five minutes younger are not.
        _clock.Advance(TimeSpan.FromMinutes(5.5));
        var later = await CheckAsync(services);
        Assert.Equal(HealthStatus.Healthy, later.Status);
        Assert.Equal(4L, later.Data["attempts"]);
        Assert.Equal(0L, later.Data["failedAttempts"]);
    }

    [Fact]
    public async Task By_default_the_failure_rate_is_reported_but_never_judged()
    {
        await using var services = Build(_ => { });

        Record(services, succeeded: 0, failed: 100);
        var entry = await CheckAsync(services);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(1.0, (double)entry.Data["failureRate"], precision: 6);
    }
}
