namespace Nfv.Topology.Internal;

/// <summary>The rules for names in a topology file, and "did you mean" suggestions.</summary>
internal static class Names
{
    /// <summary>The longest function, port or host name.</summary>
    public const int MaxLength = 32;

    /// <summary>The longest Linux interface name (IFNAMSIZ - 1).</summary>
    public const int MaxInterfaceLength = 15;

    /// <summary>
    /// Why <paramref name="name"/> is not a good function, port or host name, or null when it is:
    /// a letter, then letters, digits, '_' or '-', at most 32 characters. No '.', so <c>fn.port</c>
    /// splits one way; a host name is also a network namespace name, so no '/'.
    /// </summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0)
        {
            return "is empty";
        }
        if (name.Length > MaxLength)
        {
            return $"is {name.Length} characters long; the limit is {MaxLength}";
        }
        if (!char.IsAsciiLetter(name[0]))
        {
            return "must start with a letter";
        }
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
            {
                return $"may hold only letters, digits, '_' and '-', not '{c}'";
            }
        }
        return null;
    }

    /// <summary>
    /// Why <paramref name="name"/> is not a valid Linux interface name, or null when it is: 1 to 15
    /// characters, no '/', ':' or white space, not '.' or '..' (the kernel's dev_valid_name).
    /// </summary>
    public static string? InterfaceNameProblem(string name)
    {
        if (name.Length == 0)
        {
            return "is empty";
        }
        if (name.Length > MaxInterfaceLength)
        {
            return $"is {name.Length} characters long; Linux allows at most {MaxInterfaceLength}";
        }
        if (name is "." or "..")
        {
            return "cannot be '.' or '..'";
        }
        foreach (char c in name)
        {
            if (c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return c is '/' or ':' ? $"cannot hold '{c}'" : "cannot hold white space or control characters";
            }
        }
        return null;
    }

    /// <summary>The candidate closest to <paramref name="name"/> (a typo away), or null.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        int limit = Math.Min(2, Math.Max(1, name.Length / 3));
        foreach (var candidate in candidates)
        {
            int distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance <= limit && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>"; did you mean 'x'?" or nothing.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates) =>
        Closest(name, candidates) is { } close ? $"; did you mean '{close}'?" : "";

    // Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.
    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2 || a.Length > 64 || b.Length > 64)
        {
            return int.MaxValue;
        }
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
