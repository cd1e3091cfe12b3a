using System.Net;

namespace Choreblimey.Webhooks.Security;

/// <summary>
/// Resolves a receiver's host name for the address guard. A seam for tests: they answer with chosen addresses (a mix of
/// allowed and blocked ones, or an answer that changes between connections) to show what the guard dials.
/// </summary>
internal interface IWebhookHostResolver
{
    /// <summary>Resolves <paramref name="host"/> to its addresses, in the order to try them.</summary>
    /// <param name="host">The host name (never an IP literal: the guard reads those itself).</param>
    /// <param name="cancellationToken">A token to cancel the lookup.</param>
    /// <returns>The addresses.</returns>
    ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}
