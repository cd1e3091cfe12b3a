using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Choreblimey.Webhooks;

/// <summary>
/// The rules for webhook event names such as <c>booking.created</c>, <c>chore:created</c> or <c>item-created</c>.
/// </summary>
/// <remarks>
/// A valid name has 1 to <see cref="MaxLength"/> characters: segments of lower-case ASCII letters and digits separated
/// by exactly one of <c>.</c>, <c>:</c>, <c>-</c> or <c>_</c>. The first character is a letter, the name neither starts
/// nor ends with a separator, and no two separators follow each other. Whitespace, upper case and every other character
/// are rejected.
/// </remarks>
public static class WebhookEventName
{
    /// <summary>The maximum length of an event name, in characters.</summary>
    public const int MaxLength = 128;

    private const string AllowedCharacters =
        "only lower-case ASCII letters a-z, digits 0-9 and the separators '.', ':', '-' and '_' are allowed";

    /// <summary>Determines whether <paramref name="name"/> is a valid event name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns><see langword="true"/> when the name follows every rule.</returns>
    public static bool IsValid([NotNullWhen(true)] string? name) => Check(name) is null;

    /// <summary>Determines whether <paramref name="name"/> is a valid event name and, if not, which rule it breaks.</summary>
    /// <param name="name">The candidate name.</param>
    /// <param name="reason">The rule the name breaks, as a sentence; the empty string when the name is valid.</param>
    /// <returns><see langword="true"/> when the name follows every rule.</returns>
    public static bool IsValid([NotNullWhen(true)] string? name, out string reason)
    {
        reason = Check(name) ?? string.Empty;
        return reason.Length == 0;
    }

    /// <summary>Throws when <paramref name="name"/> is not a valid event name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <param name="paramName">The name of the caller's parameter, reported by the exception.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name breaks a rule; the message quotes the name and states the rule.</exception>
    public static void EnsureValid([NotNull] string? name, string paramName)
    {
        if (name is null)
        {
            throw new ArgumentNullException(paramName, "A webhook event name is required. " + Check(name));
        }

        var reason = Check(name);
        if (reason is null)
        {
            return;
        }

        throw new ArgumentException($"'{Display(name)}' is not a valid webhook event name. {reason}", paramName);
    }

    /// <summary>Determines whether <paramref name="c"/> is one of the four segment separators.</summary>
    /// <param name="c">The character.</param>
    /// <returns><see langword="true"/> for <c>.</c>, <c>:</c>, <c>-</c> and <c>_</c>.</returns>
    internal static bool IsSeparator(char c) => c is '.' or ':' or '-' or '_';

    /// <summary>Renders a name for a message: control characters escaped and very long names shortened.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The printable form.</returns>
    internal static string Display(string name)
    {
        const int MaxShown = 64;
        var builder = new StringBuilder(Math.Min(name.Length, MaxShown) + 8);
        foreach (var c in name.Length > MaxShown ? name.AsSpan(0, MaxShown) : name.AsSpan())
        {
            if (char.IsControl(c))
            {
                builder.Append(c switch
                {
                    '\t' => @"\t",
                    '\n' => @"\n",
                    '\r' => @"\r",
                    _ => Invariant($"\\u{(int)c:x4}"),
                });
            }
            else
            {
                builder.Append(c);
            }
        }

        if (name.Length > MaxShown)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }

    private static string? Check(string? name)
    {
        if (name is null)
        {
            return "The name is null.";
        }

        if (name.Length == 0)
        {
            return $"The name is empty; an event name has 1 to {MaxLength} characters.";
        }

        if (name.Length > MaxLength)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"The name is {name.Length} characters long; the maximum is {MaxLength}.");
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var isLetter = c is >= 'a' and <= 'z';
            var isDigit = c is >= '0' and <= '9';
            if (isLetter || (isDigit && i > 0))
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                return Invariant($"The name contains whitespace ({Describe(c)}) at index {i}; whitespace is not allowed, separate segments with '.', ':', '-' or '_'.");
            }

            if (c is >= 'A' and <= 'Z')
            {
                return Invariant($"The name contains the upper-case letter '{c}' at index {i}; event names are lower case.");
            }

            if (IsSeparator(c))
            {
                if (i == 0)
                {
                    return $"The name starts with the separator '{c}'; the first character must be a lower-case letter a-z.";
                }

                if (IsSeparator(name[i - 1]))
                {
                    return Invariant($"The name has two separators in a row ('{name[i - 1]}{c}') at index {i - 1}; segments are separated by exactly one of '.', ':', '-' or '_'.");
                }

                if (i == name.Length - 1)
                {
                    return $"The name ends with the separator '{c}'; the last character must be a letter or a digit.";
                }

                continue;
            }

            if (isDigit)
            {
                return $"The name starts with the digit '{c}'; the first character must be a lower-case letter a-z.";
            }

            return Invariant($"The name contains the character {Describe(c)} at index {i}; {AllowedCharacters}.");
        }

        return null;
    }

    private static string Describe(char c) => c switch
    {
        '\t' => @"'\t'",
        '\n' => @"'\n'",
        '\r' => @"'\r'",
        ' ' => "' ' (space)",
        _ when char.IsControl(c) || char.IsWhiteSpace(c) || c > '\u007e' => Invariant($"'{(char.IsControl(c) ? "?" : c.ToString())}' (U+{(int)c:X4})"),
        _ => $"'{c}'",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
