namespace Choreblimey.Webhooks.Tests.Signing;

public sealed class WebhookVerificationResultTests
{
    [Fact]
    public void Success_is_valid_with_no_failure()
    {
        Assert.True(WebhookVerificationResult.Success.IsValid);
        Assert.Equal(WebhookVerificationFailure.None, WebhookVerificationResult.Success.Failure);
        Assert.False(string.IsNullOrEmpty(WebhookVerificationResult.Success.Message));
    }

    [Fact]
    public void Fail_carries_the_failure_and_message()
    {
        var result = WebhookVerificationResult.Fail(WebhookVerificationFailure.MalformedSignature, "bad header");

        Assert.False(result.IsValid);
        Assert.Equal(WebhookVerificationFailure.MalformedSignature, result.Failure);
        Assert.Equal("bad header", result.Message);
    }

    [Fact]
    public void Fail_requires_a_failure_and_a_message()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookVerificationResult.Fail(WebhookVerificationFailure.None, "x"));
        Assert.Throws<ArgumentException>(() => WebhookVerificationResult.Fail(WebhookVerificationFailure.MissingHeader, ""));
        Assert.ThrowsAny<ArgumentException>(() => WebhookVerificationResult.Fail(WebhookVerificationFailure.MissingHeader, null!));
    }

    [Fact]
    public void The_default_value_is_not_valid()
    {
        WebhookVerificationResult result = default;

        Assert.False(result.IsValid);
        Assert.False(string.IsNullOrEmpty(result.Message));
        Assert.NotEqual(WebhookVerificationResult.Success, result);
    }
}
