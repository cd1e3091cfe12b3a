using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>The operations API refuses arguments that could only be mistakes, with messages that name them.</summary>
public sealed class OperationsArgumentTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 4, 12, 0, 0, TimeSpan.Zero);

    private static ServiceProvider Build() => TestServices.Build(webhooks => webhooks.AddEvent("chore:created", "Chores"));

    [Fact]
    public async Task Usage_over_a_window_that_ends_before_it_starts_is_refused_naming_both_bounds()
    {
        await using var services = Build();
        var operations = services.GetRequiredService<IWebhookOperations>();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await operations.GetUsageAsync("tenant-a", Noon, Noon.AddHours(-1)));

        Assert.Equal("from", error.ParamName);
        Assert.Contains("from (2026-03-04T12:00:00.0000000+00:00)", error.Message, StringComparison.Ordinal);
        Assert.Contains("before (2026-03-04T11:00:00.0000000+00:00)", error.Message, StringComparison.Ordinal);

        // An empty window is not a mistake: it counts nothing.
        var empty = await operations.GetUsageAsync("tenant-a", Noon, Noon);
        Assert.Equal((0, 0, 0), (empty.EventsPublished, empty.Deliveries, empty.Attempts));
    }

    [Fact]
    public async Task Stats_over_a_window_that_ends_before_it_starts_are_refused_naming_both_bounds()
    {
        await using var services = Build();
        var operations = services.GetRequiredService<IWebhookOperations>();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = "tenant-a", From = Noon, Before = Noon.AddTicks(-1) }));

        Assert.Equal("query", error.ParamName);
        Assert.Contains("WebhookStatsQuery.From (2026-03-04T12:00:00.0000000+00:00)", error.Message, StringComparison.Ordinal);
        Assert.Contains("WebhookStatsQuery.Before (2026-03-04T11:59:59.9999999+00:00)", error.Message, StringComparison.Ordinal);

        // An open or empty window is not a mistake.
        Assert.Equal(0, (await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = "tenant-a", From = Noon })).Total);
        Assert.Equal(0, (await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = "tenant-a", Before = Noon })).Total);
        Assert.Equal(0, (await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = "tenant-a", From = Noon, Before = Noon })).Total);
    }
}
