using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Choreblimey.Webhooks.Security;

/// <summary>
/// A CIDR block such as <c>10.0.0.0/8</c> or <c>fc00::/7</c>, compared as numbers (never as strings), so every textual
/// form of an address (hex, octal, dword, compressed IPv6) lands in the same block.
/// </summary>
internal readonly struct IpNetwork : IEquatable<IpNetwork>
{
    private readonly UInt128 _prefix;
    private readonly UInt128 _mask;

    private IpNetwork(AddressFamily family, UInt128 prefix, int prefixLength)
    {
        Family = family;
        PrefixLength = prefixLength;
        _mask = MaskFor(family, prefixLength);
        _prefix = prefix & _mask;
    }

    /// <summary>Gets the address family of the block.</summary>
    public AddressFamily Family { get; }

    /// <summary>Gets the number of leading bits that are fixed.</summary>
    public int PrefixLength { get; }

    /// <summary>Parses <c>address/prefix</c>; a bare address is a single-address block (/32 or /128).</summary>
    public static IpNetwork Parse(string text) =>
        TryParse(text, out var network, out var error) ? network : throw new FormatException(error);

    /// <summary>Tries to parse <c>address/prefix</c>; a bare address is a single-address block.</summary>
    public static bool TryParse(string? text, out IpNetwork network) => TryParse(text, out network, out _);

    /// <summary>Tries to parse <c>address/prefix</c>, saying why not.</summary>
    public static bool TryParse(string? text, out IpNetwork network, [NotNullWhen(false)] out string? error)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "A network must not be empty.";
            return false;
        }

        var trimmed = text.AsSpan().Trim();
        var slash = trimmed.IndexOf('/');
        var addressPart = slash < 0 ? trimmed : trimmed[..slash];
        // Only canonical dotted-quad IPv4 or IPv6 text is accepted in configuration: the shorthand forms IPAddress would
        // also take ("10", "10.1") are too easy to misread in an allow-list.
        if (!IPAddress.TryParse(addressPart, out var address)
            || (address.AddressFamily == AddressFamily.InterNetwork && addressPart.Count('.') != 3))
        {
            error = $"'{text}' is not an IPv4 or IPv6 network in CIDR form (for example 10.1.0.0/16 or fd00::/8).";
            return false;
        }

        var maxLength = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefixLength = maxLength;
        if (slash >= 0 && (!int.TryParse(trimmed[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength) || prefixLength > maxLength))
        {
            error = $"'{text}' has an invalid prefix length; it must be 0 to {maxLength}.";
            return false;
        }

        var bits = ToBits(address);
        var candidate = new IpNetwork(address.AddressFamily, bits, prefixLength);
        if ((bits & ~candidate._mask) != UInt128.Zero)
        {
            error = $"'{text}' has bits set after its /{prefixLength} prefix; did you mean {candidate}?";
            return false;
        }

        network = candidate;
        error = null;
        return true;
    }

    /// <summary>Returns whether <paramref name="address"/> lies in the block (same family only; map IPv4-mapped IPv6 first).</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == Family && (ToBits(address) & _mask) == _prefix;
    }

    /// <summary>Returns the address's bits as an unsigned number (IPv4 in the low 32 bits).</summary>
    public static UInt128 ToBits(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException("The address could not be read.", nameof(address));
        }

        UInt128 value = UInt128.Zero;
        for (var i = 0; i < written; i++)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }

    /// <inheritdoc />
    public bool Equals(IpNetwork other) => Family == other.Family && PrefixLength == other.PrefixLength && _prefix == other._prefix;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IpNetwork other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Family, PrefixLength, _prefix);

    /// <summary>Returns the block in CIDR form, such as <c>10.0.0.0/8</c>.</summary>
    public override string ToString()
    {
        if (Family == AddressFamily.Unspecified)
        {
            return "(none)";
        }

        var length = Family == AddressFamily.InterNetwork ? 4 : 16;
        Span<byte> bytes = stackalloc byte[length];
        var value = _prefix;
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{new IPAddress(bytes)}/{PrefixLength}");
    }

    public static bool operator ==(IpNetwork left, IpNetwork right) => left.Equals(right);

    public static bool operator !=(IpNetwork left, IpNetwork right) => !left.Equals(right);

    private static UInt128 MaskFor(AddressFamily family, int prefixLength)
    {
        var width = family == AddressFamily.InterNetwork ? 32 : 128;
        if (prefixLength == 0)
        {
            return UInt128.Zero;
        }

        var all = width == 32 ? (UInt128)uint.MaxValue : UInt128.MaxValue;
        return (all << (width - prefixLength)) & all;
    }
}
