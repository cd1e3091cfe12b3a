namespace Choreblimey.Webhooks.Tests.Events;

public class WebhookEventCatalogTests
{
    private static WebhookEventDefinition Define(string name, string category = "Chores") =>
        new() { Name = name, Category = category };

    [Fact]
    public void Snapshot_keeps_declaration_order_and_is_a_copy()
    {
        var catalog = new WebhookEventCatalog();
        foreach (var name in HostEventNames.Choreblimey)
        {
            catalog.Add(Define(name));
        }

        var snapshot = catalog.Snapshot();
        catalog.Add(Define("chore:deleted"));

        Assert.Equal(HostEventNames.Choreblimey, snapshot.Select(d => d.Name));
        Assert.Equal(25, catalog.Count);
        Assert.Equal(25, catalog.Snapshot().Count);
        Assert.True(catalog.Contains("chore:deleted"));
        Assert.False(catalog.Contains("chore:archived"));
    }

    [Fact]
    public void A_duplicate_name_throws_immediately_naming_the_event()
    {
        var catalog = new WebhookEventCatalog();
        catalog.Add(Define("chore:created", "Chores"));

        var ex = Assert.Throws<InvalidOperationException>(() => catalog.Add(Define("chore:created", "Other")));

        Assert.StartsWith("The webhook event 'chore:created' is declared twice", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'Chores'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'Other'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, catalog.Count);
    }

    [Theory]
    [InlineData("Chore:created", "upper-case")]
    [InlineData("chore..created", "two separators in a row")]
    [InlineData("", "empty")]
    public void An_invalid_name_throws_ArgumentException_naming_the_rule(string name, string rule)
    {
        var catalog = new WebhookEventCatalog();

        var ex = Assert.Throws<ArgumentException>(() => catalog.Add(Define(name)));

        Assert.Contains($"'{name}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(rule, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, catalog.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_category_is_rejected(string category)
    {
        var ex = Assert.Throws<ArgumentException>(() => new WebhookEventCatalog().Add(Define("chore:created", category)));

        Assert.Contains("'chore:created' has an empty category", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_below_one_is_rejected()
    {
        var definition = Define("chore:created") with { Version = 0 };

        var ex = Assert.Throws<ArgumentException>(() => new WebhookEventCatalog().Add(definition));

        Assert.Contains("versions start at 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_definition_is_rejected() =>
        Assert.Throws<ArgumentNullException>(() => new WebhookEventCatalog().Add(null!));

    [Fact]
    public void Concurrent_adds_are_all_kept_and_duplicates_are_caught()
    {
        var catalog = new WebhookEventCatalog();
        var duplicates = 0;

        Parallel.For(0, 2000, i =>
        {
            try
            {
                catalog.Add(Define($"event.n{i % 1000}"));
            }
            catch (InvalidOperationException)
            {
                Interlocked.Increment(ref duplicates);
            }
        });

        Assert.Equal(1000, catalog.Count);
        Assert.Equal(1000, duplicates);
        Assert.Equal(1000, catalog.Snapshot().Select(d => d.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Definition_defaults_to_version_one_and_not_deprecated()
    {
        var definition = Define("chore:created");

        Assert.Equal(1, definition.Version);
        Assert.False(definition.IsDeprecated);
        Assert.Null(definition.Description);
        Assert.Null(definition.PayloadType);
        Assert.Null(definition.DeprecationMessage);
    }
}
