using System.Globalization;
using Choreblimey.Webhooks.Subscriptions.Internal;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

public sealed class AttributeFilterTests
{
    private static readonly Dictionary<string, string> LowStockInLeeds = new()
    {
        ["location"] = "leeds",
        ["category"] = "dairy",
        ["stock"] = "3",
    };

    [Theory]
    [InlineData("location", WebhookFilterOperator.Equals, "leeds", true)]
    [InlineData("location", WebhookFilterOperator.Equals, "Leeds", false)]
    [InlineData("location", WebhookFilterOperator.In, "york,leeds", true)]
    [InlineData("location", WebhookFilterOperator.In, "york,hull", false)]
    [InlineData("stock", WebhookFilterOperator.LessThanOrEqual, "5", true)]
    [InlineData("stock", WebhookFilterOperator.LessThanOrEqual, "3", true)]
    [InlineData("stock", WebhookFilterOperator.LessThanOrEqual, "2.5", false)]
    [InlineData("stock", WebhookFilterOperator.GreaterThanOrEqual, "3.0", true)]
    [InlineData("stock", WebhookFilterOperator.GreaterThanOrEqual, "4", false)]
    [InlineData("location", WebhookFilterOperator.LessThanOrEqual, "5", false)]
    [InlineData("missing", WebhookFilterOperator.In, "x", false)]
    public void One_filter(string attribute, WebhookFilterOperator op, string values, bool expected) =>
        Assert.Equal(expected, WebhookAttributeFilters.Matches([new WebhookAttributeFilter(attribute, op, values.Split(','))], LowStockInLeeds));

    [Fact]
    public void Filters_are_equal_by_value_values_included()
    {
        var filter = new WebhookAttributeFilter("location", WebhookFilterOperator.In, ["leeds", "york"]);

        Assert.Equal(filter, new WebhookAttributeFilter("location", WebhookFilterOperator.In, new List<string> { "leeds", "york" }));
        Assert.Equal(filter.GetHashCode(), new WebhookAttributeFilter("location", WebhookFilterOperator.In, ["leeds", "york"]).GetHashCode());
        Assert.NotEqual(filter, new WebhookAttributeFilter("location", WebhookFilterOperator.In, ["york", "leeds"]));
        Assert.NotEqual(filter, new WebhookAttributeFilter("location", WebhookFilterOperator.In, ["leeds"]));
        Assert.NotEqual(filter, new WebhookAttributeFilter("Location", WebhookFilterOperator.In, ["leeds", "york"]));
        Assert.NotEqual(filter, new WebhookAttributeFilter("location", WebhookFilterOperator.Equals, ["leeds", "york"]));
        Assert.False(filter.Equals(null));
    }

    [Fact]
    public void All_filters_must_match_and_no_attributes_match_no_filter()
    {
        WebhookAttributeFilter[] jossiedb =
        [
            new("location", WebhookFilterOperator.In, ["leeds", "york"]),
            new("category", WebhookFilterOperator.In, ["dairy"]),
            new("stock", WebhookFilterOperator.LessThanOrEqual, ["5"]),
        ];
        Assert.True(WebhookAttributeFilters.Matches(jossiedb, LowStockInLeeds));
        Assert.False(WebhookAttributeFilters.Matches(jossiedb, new Dictionary<string, string>(LowStockInLeeds) { ["stock"] = "6" }));
        Assert.False(WebhookAttributeFilters.Matches(jossiedb, null));
        Assert.True(WebhookAttributeFilters.Matches(null, null));
        Assert.True(WebhookAttributeFilters.Matches([], LowStockInLeeds));
    }

    [Fact]
    public async Task Publishing_routes_by_pattern_and_filters_and_the_filters_survive_the_json_document()
    {
        await using var services = RoutingServices.Create();
        var manager = services.GetRequiredService<IWebhookSubscriptionManager>();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        var lowStock = await manager.CreateAsync("shop", RoutingServices.Request("item.*") with
        {
            Filters = [new("location", WebhookFilterOperator.In, ["leeds"]), new("stock", WebhookFilterOperator.LessThanOrEqual, ["5"])],
        });
        await manager.CreateAsync("shop", RoutingServices.Request("booking.*"));

        var low = await publisher.PublishAsync("item.stock_changed", new { Sku = "milk" }, new WebhookPublishOptions { TenantId = "shop", Attributes = LowStockInLeeds });
        var high = await publisher.PublishAsync("item.stock_changed", new { Sku = "milk" }, new WebhookPublishOptions
        {
            TenantId = "shop",
            Attributes = new Dictionary<string, string>(LowStockInLeeds) { ["stock"] = "50" },
        });
        var none = await publisher.PublishAsync("item.stock_changed", new { Sku = "milk" }, tenantId: "shop");

        Assert.Equal((1, 0, 0), (low.DeliveryCount, high.DeliveryCount, none.DeliveryCount));
        var roundTripped = Choreblimey.Webhooks.Storage.Internal.WebhookSubscriptionJson.Deserialize(
            Choreblimey.Webhooks.Storage.Internal.WebhookSubscriptionJson.Serialize(lowStock));
        Assert.Equal(lowStock.Filters!.Select(f => f.ToString()), roundTripped.Filters!.Select(f => f.ToString()));
    }

    [Fact]
    public void A_document_written_before_filters_existed_still_reads()
    {
        var json = """
            {"id":"sub_1","tenantId":"t","url":"https://x.example/","eventPatterns":["*"],"secrets":[{"value":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}],
             "state":"Active","createdAt":"2026-01-01T00:00:00+00:00","updatedAt":"2026-01-01T00:00:00+00:00"}
            """u8;
        var subscription = Choreblimey.Webhooks.Storage.Internal.WebhookSubscriptionJson.Deserialize(json);
        Assert.Null(subscription.Filters);
        Assert.Null(subscription.RateLimitPerSecond);
        Assert.Null(subscription.SignatureProfile);
        Assert.Null(subscription.Envelope);
    }

    // ---- Property: the router agrees with a plain reference implementation of patterns and filters. ----

    private static readonly string[] EventTypes = ["booking.created", "booking.rescheduled", "chore:created", "item.stock_changed"];
    private static readonly string[] Patterns = ["*", "booking.*", "chore:*", "item.*", "booking.created", "booking.rescheduled", "chore:created", "item.stock_changed"];
    private static readonly string[] Names = ["location", "category", "stock"];
    private static readonly string[] Texts = ["leeds", "york", "dairy", "0", "3", "5", "-2", "7.5", "x1", ""];

    private sealed record Sub(string[] Patterns, WebhookAttributeFilter[] Filters, bool Active);

    private static bool ReferencePattern(string pattern, string type)
    {
        if (pattern == "*")
        {
            return true;
        }

        if (pattern.EndsWith('*'))
        {
            var prefix = pattern[..^1];
            return type.Length > prefix.Length && type.StartsWith(prefix, StringComparison.Ordinal);
        }

        return pattern == type;
    }

    private static bool ReferenceFilter(WebhookAttributeFilter filter, Dictionary<string, string> attributes)
    {
        if (!attributes.TryGetValue(filter.Attribute, out var value))
        {
            return false;
        }

        static decimal? Number(string s) =>
            decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) ? d : null;

        return filter.Operator switch
        {
            WebhookFilterOperator.Equals or WebhookFilterOperator.In => filter.Values.Contains(value),
            WebhookFilterOperator.LessThanOrEqual => Number(value) is { } v && Number(filter.Values[0]) is { } max && v <= max,
            WebhookFilterOperator.GreaterThanOrEqual => Number(value) is { } v && Number(filter.Values[0]) is { } min && v >= min,
            _ => false,
        };
    }

    private static readonly Gen<WebhookAttributeFilter> Filter =
        from name in Gen.Elements(Names)
        from op in Gen.Elements(WebhookFilterOperator.Equals, WebhookFilterOperator.In, WebhookFilterOperator.LessThanOrEqual, WebhookFilterOperator.GreaterThanOrEqual)
        from first in Gen.Elements(op is WebhookFilterOperator.LessThanOrEqual or WebhookFilterOperator.GreaterThanOrEqual ? ["0", "3", "5", "-2", "7.5"] : Texts.Where(t => t.Length > 0).ToArray())
        from more in Gen.Elements(Texts.Where(t => t.Length > 0).ToArray()).ArrayOf(op == WebhookFilterOperator.In ? 2 : 0)
        select new WebhookAttributeFilter(name, op, [first, .. more]);

    private static readonly Gen<Sub> Subscription =
        from patternCount in Gen.Choose(1, 3)
        from patterns in Gen.Elements(Patterns).ArrayOf(patternCount)
        from filterCount in Gen.Choose(0, 3)
        from filters in Filter.ArrayOf(filterCount)
        from active in Gen.Elements(true, true, false)
        select new Sub(patterns, filters, active);

    private static readonly Gen<Dictionary<string, string>> Attributes =
        from values in Gen.Elements(Texts.Append(null).ToArray()).ArrayOf(Names.Length)
        select Names.Zip(values).Where(p => p.Second is not null).ToDictionary(p => p.First, p => p.Second!);

    [Fact]
    public void The_router_agrees_with_a_reference_implementation()
    {
        using var services = RoutingServices.Create();
        var store = services.GetRequiredService<IWebhookStore>();
        var router = services.GetRequiredService<WebhookSubscriptionRouter>();
        var run = 0;

        var cases =
            from count in Gen.Choose(0, 6)
            from subs in Subscription.ArrayOf(count)
            from type in Gen.Elements(EventTypes)
            from attributes in Attributes
            select (subs, type, attributes);

        Prop.ForAll(Arb.From(cases), c =>
        {
            var tenant = "t" + Interlocked.Increment(ref run).ToString(CultureInfo.InvariantCulture);
            var expected = new HashSet<string>();
            for (var i = 0; i < c.subs.Length; i++)
            {
                var sub = c.subs[i];
                var id = $"sub_{i}";
                store.CreateSubscriptionAsync(new WebhookSubscription
                {
                    Id = tenant + id,
                    TenantId = tenant,
                    Url = new Uri("https://x.example/"),
                    EventPatterns = sub.Patterns,
                    Secrets = [],
                    Filters = sub.Filters,
                    State = sub.Active ? WebhookSubscriptionState.Active : WebhookSubscriptionState.Paused,
                }).AsTask().GetAwaiter().GetResult();
                if (sub.Active && sub.Patterns.Any(p => ReferencePattern(p, c.type)) && sub.Filters.All(f => ReferenceFilter(f, c.attributes)))
                {
                    expected.Add(tenant + id);
                }
            }

            var actual = router.GetMatchingActiveAsync(tenant, c.type, c.attributes, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return expected.SetEquals(actual.Select(s => s.Id)) && actual.Count == expected.Count;
        }).QuickCheckThrowOnFailure();
    }
}
