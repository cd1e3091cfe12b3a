using Choreblimey.Webhooks.Testing;
using System.Text;
using Choreblimey.Webhooks.Testing.Support;

namespace Choreblimey.Webhooks.Tests.Signing;

public sealed class WebhookVerifierTests
{
    private static readonly StandardWebhookSigner Signer = new();

    private static WebhookVerifier VerifierAt(long unixSeconds, TimeSpan? tolerance = null) =>
        new(
            tolerance is { } t ? new WebhookVerifierOptions { Tolerance = t } : null,
            new WebhookTestClock(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    private static WebhookVerificationResult VerifyVector(
        WebhookVerifier verifier,
        byte[]? body = null,
        string? id = SpecVector.Id,
        string? timestamp = SpecVector.TimestampText,
        string? signature = SpecVector.Signature,
        WebhookSecret? secret = null) =>
        verifier.Verify(body ?? SpecVector.Body, id, timestamp, signature, secret ?? SpecVector.Secret);

    private static void AssertFailure(WebhookVerificationResult result, WebhookVerificationFailure failure)
    {
        Assert.False(result.IsValid);
        Assert.Equal(failure, result.Failure);
        AssertMessageLeaksNothing(result);
    }

    private static void AssertMessageLeaksNothing(WebhookVerificationResult result, params string[] alsoSecret)
    {
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
        string[] secrets =
        [
            SpecVector.SecretText,
            SpecVector.SecretText[WebhookSecret.Prefix.Length..],
            SpecVector.Signature,
            SpecVector.Signature[3..],
            .. alsoSecret,
        ];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, result.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Accepts_the_specification_vector_at_its_own_time()
    {
        var result = VerifyVector(VerifierAt(SpecVector.UnixSeconds));

        Assert.True(result.IsValid);
        Assert.Equal(WebhookVerificationFailure.None, result.Failure);
        Assert.Equal(WebhookVerificationResult.Success, result);
        AssertMessageLeaksNothing(result);
    }

    [Fact]
    public void Accepts_what_the_signer_produces()
    {
        var secret = WebhookSecret.Generate();
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var body = Encoding.UTF8.GetBytes("""{"type":"invoice.paid"}""");
        var signature = Signer.Sign(secret, "msg_abc", now, body);

        var result = VerifierAt(1_800_000_000).Verify(body, "msg_abc", "1800000000", signature, secret);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void A_secret_given_without_its_whsec_prefix_fails_saying_so_and_a_tampered_body_does_not_claim_it()
    {
        var unprefixed = WebhookSecret.Parse(SpecVector.SecretText["whsec_".Length..]);
        var verifier = VerifierAt(SpecVector.UnixSeconds);
        var signature = Signer.Sign(SpecVector.Secret, SpecVector.Id, SpecVector.Timestamp, SpecVector.Body);

        var copied = verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.UnixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), signature, unprefixed);
        var tampered = verifier.Verify([.. SpecVector.Body, (byte)' '], SpecVector.Id, SpecVector.UnixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), signature, unprefixed);

        AssertFailure(copied, WebhookVerificationFailure.NoMatchingSignature);
        Assert.Equal(
            "No v1 signature in the webhook-signature header matches the secret(s). One matches a secret given without its 'whsec_' prefix, " +
            "whose text was therefore taken as a plain secret: give WebhookSecret.Parse the whole 'whsec_...' text.",
            copied.Message);
        AssertMessageLeaksNothing(copied, SpecVector.SecretText["whsec_".Length..]);
        Assert.Equal("No v1 signature in the webhook-signature header matches the secret(s).", tampered.Message);
    }

    [Fact]
    public void Rejects_a_tampered_body()
    {
        var body = Encoding.UTF8.GetBytes("""{"test": 2432232315}""");

        AssertFailure(VerifyVector(VerifierAt(SpecVector.UnixSeconds), body: body), WebhookVerificationFailure.NoMatchingSignature);
    }

    [Fact]
    public void Rejects_an_empty_body_when_one_was_signed()
    {
        AssertFailure(VerifyVector(VerifierAt(SpecVector.UnixSeconds), body: []), WebhookVerificationFailure.NoMatchingSignature);
    }

    [Fact]
    public void Rejects_a_tampered_id()
    {
        AssertFailure(
            VerifyVector(VerifierAt(SpecVector.UnixSeconds), id: SpecVector.Id + "x"),
            WebhookVerificationFailure.NoMatchingSignature);
    }

    [Fact]
    public void Rejects_a_tampered_timestamp_that_is_still_within_tolerance()
    {
        AssertFailure(
            VerifyVector(VerifierAt(SpecVector.UnixSeconds), timestamp: "1614265331"),
            WebhookVerificationFailure.NoMatchingSignature);
    }

    [Fact]
    public void Rejects_the_wrong_secret()
    {
        var wrong = WebhookSecret.Generate();

        var result = VerifyVector(VerifierAt(SpecVector.UnixSeconds), secret: wrong);

        AssertFailure(result, WebhookVerificationFailure.NoMatchingSignature);
        AssertMessageLeaksNothing(result, wrong.Reveal(), wrong.Reveal()[WebhookSecret.Prefix.Length..]);
        Assert.Contains(WebhookHeaders.Signature, result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(301, "in the past")]
    [InlineData(-301, "in the future")]
    [InlineData(86_400, "in the past")]
    [InlineData(-86_400, "in the future")]
    public void Rejects_timestamps_outside_the_default_tolerance_in_either_direction(int nowMinusSent, string direction)
    {
        var result = VerifyVector(VerifierAt(SpecVector.UnixSeconds + nowMinusSent));

        AssertFailure(result, WebhookVerificationFailure.TimestampOutsideTolerance);
        Assert.Contains(WebhookHeaders.Timestamp, result.Message, StringComparison.Ordinal);
        Assert.Contains($"{Math.Abs(nowMinusSent)} seconds {direction}", result.Message, StringComparison.Ordinal);
        Assert.Contains("300 seconds", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(-300)]
    [InlineData(0)]
    public void Accepts_timestamps_at_the_edge_of_the_tolerance(int nowMinusSent)
    {
        Assert.True(VerifyVector(VerifierAt(SpecVector.UnixSeconds + nowMinusSent)).IsValid);
    }

    [Fact]
    public void Measures_skew_against_the_sub_second_clock()
    {
        var clock = new WebhookTestClock(DateTimeOffset.FromUnixTimeSeconds(SpecVector.UnixSeconds + 300).AddMilliseconds(500));

        var result = VerifyVector(new WebhookVerifier(timeProvider: clock));

        AssertFailure(result, WebhookVerificationFailure.TimestampOutsideTolerance);
        Assert.Contains("300.5 seconds in the past", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    [InlineData(3_599)]
    [InlineData(-3_599)]
    public void Accepts_older_or_newer_timestamps_when_the_tolerance_is_larger(int nowMinusSent)
    {
        var verifier = VerifierAt(SpecVector.UnixSeconds + nowMinusSent, TimeSpan.FromHours(1));

        Assert.True(VerifyVector(verifier).IsValid);
    }

    [Fact]
    public void Uses_the_tolerance_as_it_was_when_constructed()
    {
        var options = new WebhookVerifierOptions();
        var verifier = new WebhookVerifier(options, new WebhookTestClock(DateTimeOffset.FromUnixTimeSeconds(SpecVector.UnixSeconds + 600)));
        options.Tolerance = TimeSpan.FromHours(1);

        AssertFailure(VerifyVector(verifier), WebhookVerificationFailure.TimestampOutsideTolerance);
    }

    [Fact]
    public void Rejects_timestamps_beyond_what_a_date_can_hold()
    {
        var result = VerifyVector(VerifierAt(SpecVector.UnixSeconds), timestamp: long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));

        AssertFailure(result, WebhookVerificationFailure.TimestampOutsideTolerance);
    }

    [Theory]
    [InlineData(null, WebhookHeaders.Id)]
    [InlineData("", WebhookHeaders.Id)]
    public void Rejects_a_missing_id(string? id, string header)
    {
        var result = VerifyVector(VerifierAt(SpecVector.UnixSeconds), id: id);

        AssertFailure(result, WebhookVerificationFailure.MissingHeader);
        Assert.Contains(header, result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Rejects_a_missing_timestamp(string? timestamp)
    {
        var result = VerifyVector(VerifierAt(SpecVector.UnixSeconds), timestamp: timestamp);

        AssertFailure(result, WebhookVerificationFailure.MissingHeader);
        Assert.Contains(WebhookHeaders.Timestamp, result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Rejects_a_missing_signature(string? signature)
    {
        var result = VerifyVector(VerifierAt(SpecVector.UnixSeconds), signature: signature);

        AssertFailure(result, WebhookVerificationFailure.MissingHeader);
        Assert.Contains(WebhookHeaders.Signature, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_the_first_missing_header_in_id_timestamp_signature_order()
    {
        var result = VerifyVector(VerifierAt(SpecVector.UnixSeconds), id: null, timestamp: null, signature: null);

        Assert.Contains(WebhookHeaders.Id, result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookHeaders.Timestamp, result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1614265330")]
    [InlineData("+1614265330")]
    [InlineData("1614265330.0")]
    [InlineData(" 1614265330")]
    [InlineData("1614265330 ")]
    [InlineData("1,614,265,330")]
    [InlineData("2021-02-25T15:02:10Z")]
    [InlineData("99999999999999999999999999")]
    [InlineData("16142\uD80065330")]
    [InlineData("１６１４２６５３３０")]
    public void Rejects_a_timestamp_that_is_not_unix_seconds(string timestamp)
    {
        var result = VerifyVector(VerifierAt(SpecVector.UnixSeconds), timestamp: timestamp);

        AssertFailure(result, WebhookVerificationFailure.InvalidTimestamp);
        Assert.Contains(WebhookHeaders.Timestamp, result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(timestamp, result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData(" ")]
    [InlineData("   ")]
    [InlineData("v1")]
    [InlineData("v1,")]
    [InlineData(",g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,!!!!not-base64!!!!not-base64!!!!not-base6")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE==")]
    [InlineData("v1,AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSy\uD800lE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1;g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\t")]
    [InlineData("v1, g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("\uD800,v1 v-1,AAAA v1.0,AAAA ÿ1,AAAA")]
    public void Rejects_a_malformed_signature_header(string signature)
    {
        var result = VerifyVector(VerifierAt(SpecVector.UnixSeconds), signature: signature);

        AssertFailure(result, WebhookVerificationFailure.MalformedSignature);
        Assert.Contains(WebhookHeaders.Signature, result.Message, StringComparison.Ordinal);
        if (signature.Trim().Length > 8)
        {
            Assert.DoesNotContain(signature.Trim(), result.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Accepts_when_any_entry_matches_and_ignores_malformed_neighbours()
    {
        var signature = $"v1,!!bad!! garbage {SpecVector.Signature}";

        Assert.True(VerifyVector(VerifierAt(SpecVector.UnixSeconds), signature: signature).IsValid);
    }

    [Fact]
    public void Tolerates_repeated_and_surrounding_spaces_between_entries()
    {
        var signature = $"  v1a,xyz   {SpecVector.Signature}  ";

        Assert.True(VerifyVector(VerifierAt(SpecVector.UnixSeconds), signature: signature).IsValid);
    }

    [Fact]
    public void Ignores_entries_of_other_versions_even_when_their_value_would_match()
    {
        var signature = "v1a," + SpecVector.Signature[3..];

        var result = VerifyVector(VerifierAt(SpecVector.UnixSeconds), signature: signature);

        AssertFailure(result, WebhookVerificationFailure.NoMatchingSignature);
        Assert.Contains("no v1 signature", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1a,AAAA {0}")]
    [InlineData("{0} v1a,AAAA")]
    [InlineData("v2,AAAA v1a,BBBB {0} V1,CCCC")]
    public void Skips_other_versions_and_checks_the_v1_entry(string format)
    {
        var signature = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, SpecVector.Signature);

        Assert.True(VerifyVector(VerifierAt(SpecVector.UnixSeconds), signature: signature).IsValid);
    }

    [Fact]
    public void Rejects_when_only_other_versions_are_present_with_wrong_values()
    {
        var result = VerifyVector(VerifierAt(SpecVector.UnixSeconds), signature: "v1a,AAAA v2,BBBB");

        AssertFailure(result, WebhookVerificationFailure.NoMatchingSignature);
    }

    [Fact]
    public void Rotation_either_secret_verifies_what_both_signed()
    {
        var oldSecret = SpecVector.Secret;
        var newSecret = WebhookSecret.Generate();
        var signature = Signer.Sign([oldSecret, newSecret], SpecVector.Id, SpecVector.Timestamp, SpecVector.Body);
        var verifier = VerifierAt(SpecVector.UnixSeconds);

        Assert.Equal(2, signature.Split(' ').Length);
        Assert.StartsWith(SpecVector.Signature + " v1,", signature, StringComparison.Ordinal);
        Assert.True(verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, signature, oldSecret).IsValid);
        Assert.True(verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, signature, newSecret).IsValid);
        Assert.True(verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, signature, [WebhookSecret.Generate(), newSecret]).IsValid);
        AssertFailure(
            verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, signature, WebhookSecret.Generate()),
            WebhookVerificationFailure.NoMatchingSignature);
    }

    [Fact]
    public void Rotation_the_receiver_may_hold_either_or_both_secrets()
    {
        var oldSecret = WebhookSecret.Generate();
        var newSecret = WebhookSecret.Generate();
        var verifier = VerifierAt(SpecVector.UnixSeconds);
        var signedWithOld = Signer.Sign(oldSecret, SpecVector.Id, SpecVector.Timestamp, SpecVector.Body);

        Assert.True(verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, signedWithOld, [newSecret, oldSecret]).IsValid);
        Assert.True(verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, signedWithOld, new List<WebhookSecret> { newSecret, oldSecret }).IsValid);
        Assert.True(verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, signedWithOld, new[] { newSecret, oldSecret }.AsReadOnly()).IsValid);
    }

    [Fact]
    public void Checks_many_secrets()
    {
        var secrets = Enumerable.Range(0, 30).Select(_ => WebhookSecret.Generate()).Append(SpecVector.Secret).ToList();

        var result = VerifierAt(SpecVector.UnixSeconds).Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, SpecVector.Signature, secrets);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Reads_headers_through_the_lookup_function()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Webhook-Id"] = SpecVector.Id,
            ["WEBHOOK-TIMESTAMP"] = SpecVector.TimestampText,
            ["webhook-signature"] = SpecVector.Signature,
        };

        var result = VerifierAt(SpecVector.UnixSeconds).Verify(SpecVector.Body, name => headers.GetValueOrDefault(name), [SpecVector.Secret]);

        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData(WebhookHeaders.Id)]
    [InlineData(WebhookHeaders.Timestamp)]
    [InlineData(WebhookHeaders.Signature)]
    public void Lookup_function_reports_the_missing_header(string missing)
    {
        var headers = new Dictionary<string, string>
        {
            [WebhookHeaders.Id] = SpecVector.Id,
            [WebhookHeaders.Timestamp] = SpecVector.TimestampText,
            [WebhookHeaders.Signature] = SpecVector.Signature,
        };
        headers.Remove(missing);

        var result = VerifierAt(SpecVector.UnixSeconds).Verify(SpecVector.Body, name => headers.GetValueOrDefault(name), [SpecVector.Secret]);

        AssertFailure(result, WebhookVerificationFailure.MissingHeader);
        Assert.Contains(missing, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Survives_hostile_headers_without_throwing()
    {
        var verifier = VerifierAt(SpecVector.UnixSeconds);
        var hugeSignature = string.Join(' ', Enumerable.Repeat("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 50_000));
        var hugeGarbage = new string('\uD800', 1_000_000);
        var hugeId = new string('\uDC00', 2_000_000);

        AssertFailure(verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, hugeSignature, SpecVector.Secret), WebhookVerificationFailure.NoMatchingSignature);
        AssertFailure(verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, hugeGarbage, SpecVector.Secret), WebhookVerificationFailure.MalformedSignature);
        AssertFailure(verifier.Verify(SpecVector.Body, hugeId, SpecVector.TimestampText, SpecVector.Signature, SpecVector.Secret), WebhookVerificationFailure.NoMatchingSignature);
        AssertFailure(verifier.Verify(SpecVector.Body, SpecVector.Id, hugeGarbage, SpecVector.Signature, SpecVector.Secret), WebhookVerificationFailure.InvalidTimestamp);
        AssertFailure(verifier.Verify(SpecVector.Body, "\uD800", SpecVector.TimestampText, "v1,\uDC00 \uD800,v1", SpecVector.Secret), WebhookVerificationFailure.MalformedSignature);
        AssertFailure(verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, new string(',', 100_000), SpecVector.Secret), WebhookVerificationFailure.MalformedSignature);
    }

    [Fact]
    public void Ids_with_lone_surrogates_round_trip_between_signer_and_verifier()
    {
        const string Id = "msg_\uD800_\uDC00";
        var signature = Signer.Sign(SpecVector.Secret, Id, SpecVector.Timestamp, SpecVector.Body);

        Assert.True(VerifierAt(SpecVector.UnixSeconds).Verify(SpecVector.Body, Id, SpecVector.TimestampText, signature, SpecVector.Secret).IsValid);
    }

    [Fact]
    public void Rejects_caller_mistakes_with_exceptions()
    {
        var verifier = VerifierAt(SpecVector.UnixSeconds);

        Assert.Throws<ArgumentException>(() => verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, SpecVector.Signature, Array.Empty<WebhookSecret>()));
        Assert.Throws<ArgumentException>(() => verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, SpecVector.Signature, [SpecVector.Secret, null!]));
        Assert.Throws<ArgumentNullException>(() => verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, SpecVector.Signature, (IReadOnlyList<WebhookSecret>)null!));
        Assert.Throws<ArgumentNullException>(() => verifier.Verify(SpecVector.Body, SpecVector.Id, SpecVector.TimestampText, SpecVector.Signature, (WebhookSecret)null!));
        Assert.Throws<ArgumentNullException>(() => verifier.Verify(SpecVector.Body, (Func<string, string?>)null!, [SpecVector.Secret]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_rejects_a_tolerance_that_is_not_positive(int seconds)
    {
        var options = new WebhookVerifierOptions { Tolerance = TimeSpan.FromSeconds(seconds) };

        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookVerifier(options));
    }

    [Fact]
    public void Options_default_to_five_minutes_and_system_clock()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), new WebhookVerifierOptions().Tolerance);

        // The specification's vector is from 2021, far outside any tolerance of the real clock.
        AssertFailure(VerifyVector(new WebhookVerifier()), WebhookVerificationFailure.TimestampOutsideTolerance);
    }

    [Fact]
    public void A_tolerance_that_is_not_positive_is_refused_naming_the_option()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookVerifier(new WebhookVerifierOptions { Tolerance = TimeSpan.Zero }));

        Assert.Equal("options", error.ParamName);
        Assert.StartsWith("WebhookVerifierOptions.Tolerance must be more than zero.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_signed_with_a_hex_profile_checked_as_standard_webhooks_names_the_profile_it_carries()
    {
        var secret = WebhookSecret.Parse("a plain shared secret, long enough");
        var body = "{\"id\":1}"u8.ToArray();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Hub-Signature-256"] = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("a plain shared secret, long enough"u8, body)),
            ["webhook-id"] = "msg_1",
            ["webhook-timestamp"] = "1700000000",
        };
        string? Header(string name) => headers.TryGetValue(name, out var value) ? value : null;

        var asStandard = new WebhookVerifier().Verify(body, Header, [secret]);

        Assert.Equal(WebhookVerificationFailure.MissingHeader, asStandard.Failure);
        Assert.Equal(
            "The webhook-signature header is missing or empty; the request carries X-Hub-Signature-256, the github profile's signature: "
            + "verify it with Verify(WebhookSignatureProfile.GitHub, body, getHeader, secrets).",
            asStandard.Message);
        Assert.True(new WebhookVerifier().Verify(WebhookSignatureProfile.GitHub, body, Header, [secret]).IsValid);
    }
}
