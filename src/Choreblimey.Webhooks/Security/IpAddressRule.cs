namespace Choreblimey.Webhooks.Security;

/// <summary>A blocked range and the reason it is blocked, as shown in refusal messages.</summary>
/// <param name="Network">The range.</param>
/// <param name="Name">What the range is, such as <c>private network</c> or <c>link-local (cloud metadata)</c>.</param>
internal sealed record IpAddressRule(IpNetwork Network, string Name)
{
    /// <summary>Gets the rule as shown in messages, such as <c>private network 10.0.0.0/8</c>.</summary>
    public string Description => $"{Name} {Network}";

    public static IpAddressRule Of(string cidr, string name) => new(IpNetwork.Parse(cidr), name);
}
