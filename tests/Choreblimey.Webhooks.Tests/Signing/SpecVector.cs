using System.Text;

namespace Choreblimey.Webhooks.Tests.Signing;

/// <summary>The example from the Standard Webhooks specification.</summary>
internal static class SpecVector
{
    public const string SecretText = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    public const long UnixSeconds = 1614265330;
    public const string TimestampText = "1614265330";
    public const string BodyText = """{"test": 2432232314}""";
    public const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    public static WebhookSecret Secret => WebhookSecret.Parse(SecretText);

    public static byte[] Body => Encoding.UTF8.GetBytes(BodyText);

    public static DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeSeconds(UnixSeconds);
}
