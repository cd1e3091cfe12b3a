namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>Part of a Choreblimey payload.</summary>
public sealed record WalletDelta(
    int StarsDelta,
    decimal MoneyDelta,
    int StarsBalance,
    decimal MoneyBalance);
