namespace Choreblimey.Webhooks;

/// <summary>
/// Ranks declared event names by how close they are to a given name, for "did you mean" suggestions.
/// </summary>
/// <remarks>
/// Names are compared in a normalised form (lower case, every separator unified to <c>.</c>). The score mixes the
/// normalised edit similarity of the whole name (optimal string alignment distance, so transpositions cost one edit)
/// with a weighted token overlap in which a token such as <c>created</c> that many declared names share counts for
/// less than a rare one, and tokens match when equal or nearly equal (one or two typos). Only names above a closeness
/// threshold are suggested.
/// </remarks>
internal sealed class WebhookEventNameMatcher
{
    /// <summary>The minimum combined score a name needs to be suggested.</summary>
    internal const double MinimumScore = 0.45;

    /// <summary>A whole-name edit similarity at or above this suggests the name whatever the tokens say.</summary>
    internal const double StrongEditSimilarity = 0.75;

    /// <summary>Two different tokens count as the same word when their edit similarity reaches this.</summary>
    private const double TokenSimilarityThreshold = 0.75;

    /// <summary>Tokens shorter than this only match exactly.</summary>
    private const int MinFuzzyTokenLength = 4;

    /// <summary>Longer queries are cut to this length before comparing, to bound the cost.</summary>
    private const int MaxQueryLength = 256;

    private readonly string[] _names;
    private readonly string[] _normalized;
    private readonly string[][] _tokens;
    private readonly Dictionary<string, double> _tokenWeights = new(StringComparer.Ordinal);

    /// <summary>Initializes a matcher over the given declared names.</summary>
    /// <param name="names">The declared names, in declaration order.</param>
    public WebhookEventNameMatcher(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = [.. names];
        _normalized = new string[_names.Length];
        _tokens = new string[_names.Length][];
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _names.Length; i++)
        {
            _normalized[i] = Normalize(_names[i]);
            _tokens[i] = Tokenize(_normalized[i]);
            foreach (var token in _tokens[i].Distinct(StringComparer.Ordinal))
            {
                frequency[token] = frequency.GetValueOrDefault(token) + 1;
            }
        }

        foreach (var (token, count) in frequency)
        {
            _tokenWeights[token] = 1.0 / (1.0 + Math.Log(count));
        }
    }

    /// <summary>Finds the declared names closest to <paramref name="query"/>.</summary>
    /// <param name="query">The name to match.</param>
    /// <param name="maxCount">The maximum number of names to return.</param>
    /// <returns>Up to <paramref name="maxCount"/> close names, best first (ties in declaration order).</returns>
    public IReadOnlyList<string> FindClosest(string query, int maxCount)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        if (maxCount == 0 || _names.Length == 0)
        {
            return [];
        }

        var normalizedQuery = Normalize(query.Length > MaxQueryLength ? query[..MaxQueryLength] : query);
        if (normalizedQuery.Length == 0)
        {
            return [];
        }

        var queryTokens = Tokenize(normalizedQuery);
        var ranked = new List<(double Score, int Index)>();
        for (var i = 0; i < _names.Length; i++)
        {
            var score = Score(normalizedQuery, queryTokens, i, out var editSimilarity);
            if (score >= MinimumScore || editSimilarity >= StrongEditSimilarity)
            {
                ranked.Add((score, i));
            }
        }

        ranked.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Index.CompareTo(b.Index));
        return [.. ranked.Take(maxCount).Select(r => _names[r.Index])];
    }

    /// <summary>Scores one declared name against the query, from 0 (unrelated) to 1 (same normalised name).</summary>
    /// <param name="normalizedQuery">The normalised query.</param>
    /// <param name="queryTokens">The query's tokens.</param>
    /// <param name="index">The declared name's index.</param>
    /// <param name="editSimilarity">The whole-name edit similarity.</param>
    /// <returns>The score.</returns>
    internal double Score(string normalizedQuery, string[] queryTokens, int index, out double editSimilarity)
    {
        editSimilarity = Similarity(normalizedQuery, _normalized[index]);
        if (editSimilarity >= 1.0)
        {
            return 1.0;
        }

        var candidateTokens = _tokens[index];
        double matched = 0, queryWeight = 0, candidateWeight = 0;
        foreach (var token in candidateTokens)
        {
            candidateWeight += _tokenWeights[token];
        }

        foreach (var queryToken in queryTokens)
        {
            double best = 0;
            string? bestToken = null;
            foreach (var candidateToken in candidateTokens)
            {
                var similarity = TokenSimilarity(queryToken, candidateToken);
                if (similarity > best)
                {
                    best = similarity;
                    bestToken = candidateToken;
                }
            }

            if (bestToken is null)
            {
                queryWeight += _tokenWeights.GetValueOrDefault(queryToken, 1.0);
            }
            else
            {
                var weight = _tokenWeights[bestToken];
                queryWeight += weight;
                matched += best * weight;
            }
        }

        var tokenScore = Math.Min(1.0, 2 * matched / (queryWeight + candidateWeight));
        return (0.5 * editSimilarity) + (0.5 * tokenScore);
    }

    /// <summary>Lower-cases a name and turns every run of non-alphanumeric characters into a single <c>.</c>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The normalised name, without leading or trailing separators.</returns>
    internal static string Normalize(string name)
    {
        var buffer = new char[name.Length];
        var length = 0;
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
            else if (length > 0 && buffer[length - 1] != '.')
            {
                buffer[length++] = '.';
            }
        }

        if (length > 0 && buffer[length - 1] == '.')
        {
            length--;
        }

        return new string(buffer, 0, length);
    }

    /// <summary>Computes 1 minus the optimal string alignment distance divided by the longer length.</summary>
    /// <param name="a">The first string.</param>
    /// <param name="b">The second string.</param>
    /// <returns>The similarity from 0 to 1.</returns>
    internal static double Similarity(string a, string b)
    {
        var longest = Math.Max(a.Length, b.Length);
        return longest == 0 ? 1.0 : 1.0 - ((double)Distance(a, b) / longest);
    }

    /// <summary>Computes the optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    /// <param name="a">The first string.</param>
    /// <param name="b">The second string.</param>
    /// <returns>The number of edits.</returns>
    internal static int Distance(string a, string b)
    {
        if (a.Length == 0)
        {
            return b.Length;
        }

        if (b.Length == 0)
        {
            return a.Length;
        }

        var width = b.Length + 1;
        var previousPrevious = new int[width];
        var previous = new int[width];
        var current = new int[width];
        for (var j = 0; j < width; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previousPrevious[j - 2] + 1);
                }

                current[j] = value;
            }

            (previousPrevious, previous, current) = (previous, current, previousPrevious);
        }

        return previous[b.Length];
    }

    private static string[] Tokenize(string normalized) =>
        normalized.Split('.', StringSplitOptions.RemoveEmptyEntries);

    private static double TokenSimilarity(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return 1.0;
        }

        if (Math.Min(a.Length, b.Length) < MinFuzzyTokenLength)
        {
            return 0.0;
        }

        var similarity = Similarity(a, b);
        return similarity >= TokenSimilarityThreshold ? similarity : 0.0;
    }
}
