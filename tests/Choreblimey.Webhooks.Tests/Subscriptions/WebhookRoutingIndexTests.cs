using Choreblimey.Webhooks.Subscriptions.Internal;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

public class WebhookRoutingIndexTests
{
    private static readonly string[] EventTypes =
        ["chore:created", "chore:deleted", "completion:approved", "booking.created", "item-added", "x", "chore:", "other:thing"];

    private static WebhookSubscription Subscription(int i, IReadOnlyList<string> patterns, WebhookSubscriptionState state = WebhookSubscriptionState.Active, IReadOnlyList<WebhookAttributeFilter>? filters = null) => new()
    {
        Id = $"sub_{i:D4}",
        TenantId = "t1",
        Url = new Uri("https://example.com/hooks"),
        EventPatterns = patterns,
        Secrets = [new WebhookSigningSecret(WebhookSecret.Generate())],
        State = state,
        Filters = filters,
    };

    private static List<WebhookSubscription> Scan(IReadOnlyList<WebhookSubscription> subscriptions, string eventType, IReadOnlyDictionary<string, string>? attributes) =>
        [.. subscriptions.Where(s => s.State is WebhookSubscriptionState.Active or WebhookSubscriptionState.Disabled
            && WebhookEventPatterns.MatchesAny(s.EventPatterns, eventType)
            && WebhookAttributeFilters.Matches(s.Filters, attributes))];

    [Theory]
    [InlineData(5)]
    [InlineData(17)]
    [InlineData(500)]
    public void Index_matches_exactly_what_a_scan_matches_in_store_order_once_each(int count)
    {
        IReadOnlyList<string>[] shapes =
        [
            ["chore:*"], ["chore:created"], ["*"], ["booking.*", "chore:created"], ["chore:*", "chore:created"],
            ["item-*"], ["completion:approved", "*"], ["x"], ["other:*"], ["chore:deleted", "completion:*"],
        ];
        Dictionary<string, string>[] attributeSets =
        [
            new() { ["region"] = "eu" },
            new() { ["region"] = "us", ["plan"] = "pro", ["amount"] = "12" },
            new(StringComparer.OrdinalIgnoreCase) { ["REGION"] = "eu", ["Plan"] = "family" },
        ];
        var subscriptions = Enumerable.Range(0, count).Select(i => Subscription(
            i,
            shapes[i % shapes.Length],
            (i % 7) switch { 3 => WebhookSubscriptionState.Paused, 5 => WebhookSubscriptionState.Disabled, _ => WebhookSubscriptionState.Active },
            (i % 6) switch
            {
                1 => [new WebhookAttributeFilter("region", WebhookFilterOperator.Equals, [i % 4 == 1 ? "eu" : "us"])],
                2 => [new WebhookAttributeFilter("amount", WebhookFilterOperator.GreaterThanOrEqual, ["10"]), new WebhookAttributeFilter("plan", WebhookFilterOperator.In, ["family", "pro"])],
                4 => [new WebhookAttributeFilter("amount", WebhookFilterOperator.LessThanOrEqual, ["20"])],
                _ => null,
            })).ToList();
        var index = new WebhookRoutingIndex(subscriptions);

        foreach (var eventType in EventTypes)
        {
            foreach (var attrs in attributeSets.Append(null))
            {
                List<WebhookSubscription>? matches = null;
                index.AddMatches(eventType, attrs, ref matches);
                Assert.Equal(Scan(subscriptions, eventType, attrs).Select(s => s.Id), (matches ?? []).Select(s => s.Id));
            }
        }

        Assert.Same(subscriptions[count - 1], index.Find(subscriptions[count - 1].Id));
        Assert.Null(index.Find("sub_missing"));
    }
}
