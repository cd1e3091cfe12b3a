namespace Choreblimey.Webhooks;

/// <summary>Coverage totals of one category.</summary>
/// <param name="Category">The category.</param>
/// <param name="Declared">Events declared in it.</param>
/// <param name="Published">Declared events published at least once.</param>
public sealed record WebhookCoverageCategory(string Category, int Declared, int Published)
{
    /// <summary>Gets the published share as a whole percentage.</summary>
    public int Percent => WebhookCoverageReport.PercentOf(Published, Declared);
}
