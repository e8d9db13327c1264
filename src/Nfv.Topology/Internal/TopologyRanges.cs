using System.Globalization;
using System.Text.RegularExpressions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Internal;

/// <summary>
/// Expands ranges written <c>[A-B]</c>, before anything else reads the file: a mapping key with a range
/// (<c>"h[1-100]": { port: "p[1-100]", address: "10.0.0.[10-109]/24" }</c>) becomes one entry per value, and an item
/// of <c>links:</c> or <c>tests:</c> with a range (<c>["p[1-100]", sw]</c>) one item per value. Inside an entry or item
/// so expanded, every <c>[A-B]</c> is a range of the same length and takes its i-th value, so the n-th host gets the
/// n-th port and address. <c>[01-10]</c> keeps its width (01, 02 ... 10).
/// </summary>
/// <remarks>
/// Expanded nodes keep the place of what the user wrote, so every later error names the file, line and column of the
/// range (the loader's checks see only expanded names and values). A range anywhere else is left as it is: a value
/// under a plain key is the program's (an <c>exec</c> command's <c>[1-2]</c> is a shell pattern).
/// </remarks>
internal sealed partial class TopologyRanges(DiagnosticBag diagnostics)
{
    /// <summary>The most entries one range makes: far beyond a lab, small enough that a typo cannot fill memory.</summary>
    public const int MaxCount = 65_536;

    /// <summary>The most nodes the ranges of one file make, nested ranges multiplied: a hostile file cannot fill memory.</summary>
    public const long MaxNodes = 2_000_000;

    private long _made;
    private bool _overBudget;

    private static readonly string[] s_itemLists = ["links", "tests"];

    // [A-B] with numbers, or with IPv4 addresses ([10.0.0.10-10.0.3.241]: a subnet bigger than a /24 in one range).
    [GeneratedRegex(@"\[(\d{1,9}|\d{1,3}(?:\.\d{1,3}){3})-(\d{1,9}|\d{1,3}(?:\.\d{1,3}){3})\]")]
    private static partial Regex Range();

    /// <summary>Expands every range of <paramref name="root"/>; problems go to <paramref name="diagnostics"/> (the entry is left out).</summary>
    public static ConfigNode? Expand(ConfigNode? root, DiagnosticBag diagnostics) => new TopologyRanges(diagnostics).Expand(root);

    private ConfigNode? Expand(ConfigNode? root)
    {
        if (root is not ConfigMapping top)
        {
            return root;
        }
        return new ConfigMapping(ExpandEntries(top.Entries.Select(e => (e.Key,
            s_itemLists.Contains(e.Key.Value) && e.Value is ConfigSequence items ? ExpandItems(items) : ExpandNode(e.Value)))), top.Span);
    }

    /// <summary>True when <paramref name="text"/> holds a range (<c>[A-B]</c>).</summary>
    public static bool HasRange(string text) => text.Contains('[', StringComparison.Ordinal) && Range().IsMatch(text);

    // Ranged keys inside are expanded before the entry that holds them, so each goes by its own count.
    private ConfigNode ExpandNode(ConfigNode node) => node switch
    {
        ConfigMapping map => new ConfigMapping(ExpandEntries(map.Entries.Select(e => (e.Key, ExpandNode(e.Value)))), map.Span),
        ConfigSequence list => new ConfigSequence([.. list.Items.Select(ExpandNode)], list.Span),
        _ => node,
    };

    // The entries of one mapping, ranged keys expanded; a name made twice (by a range and by hand, or by two ranges) is
    // reported at the second, with the first's place, as the parser reports a key written twice.
    private List<KeyValuePair<ConfigScalar, ConfigNode>> ExpandEntries(IEnumerable<(ConfigScalar Key, ConfigNode Value)> entries)
    {
        var expanded = new List<KeyValuePair<ConfigScalar, ConfigNode>>();
        var seen = new Dictionary<string, (ConfigScalar Key, bool Ranged)>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            bool ranged = HasRange(key.Value);
            foreach (var entry in ExpandEntry(key, value))
            {
                if (seen.TryGetValue(entry.Key.Value, out var first) && (ranged || first.Ranged))
                {
                    diagnostics.Error(DiagnosticCodes.DuplicateName, entry.Key.Span,
                        $"'{entry.Key.Value}' is declared twice: at {first.Key.Span}{(first.Ranged ? $" by '{first.Key.Value}'" : "")} and here{(ranged ? $" by '{key.Value}'" : "")}");
                    continue;
                }
                seen.TryAdd(entry.Key.Value, (ranged ? key : entry.Key, ranged));
                expanded.Add(entry);
            }
        }
        return expanded;
    }

    // A key with a range: one entry per value.
    private IEnumerable<KeyValuePair<ConfigScalar, ConfigNode>> ExpandEntry(ConfigScalar key, ConfigNode value)
    {
        if (!HasRange(key.Value))
        {
            return [new(key, value)];
        }
        if (CountOf(key) is not { } count || !Agrees(value, count, key) || !Afford(count, 1 + Scalars(value).Count(), key))
        {
            return [];
        }
        return Enumerable.Range(0, count).Select(i => new KeyValuePair<ConfigScalar, ConfigNode>((ConfigScalar)Substitute(key, i), Substitute(value, i)));
    }

    // Counts what an expansion makes against the file's budget; over it, one error and nothing more is expanded.
    private bool Afford(int count, int size, ConfigScalar at)
    {
        _made += (long)count * size;
        if (_made <= MaxNodes)
        {
            return true;
        }
        if (!_overBudget)
        {
            _overBudget = true;
            diagnostics.Error(DiagnosticCodes.BadRange, at.Span, $"the ranges of this file make more than {MaxNodes} values in all (nested ranges multiply); write fewer");
        }
        return false;
    }

    private ConfigSequence ExpandItems(ConfigSequence items)
    {
        var expanded = new List<ConfigNode>();
        foreach (var item in items.Items)
        {
            var first = Scalars(item).FirstOrDefault(s => HasRange(s.Value));
            if (first is null)
            {
                expanded.Add(item);
            }
            else if (CountOf(first) is { } count && Agrees(item, count, first) && Afford(count, Scalars(item).Count(), first))
            {
                expanded.AddRange(Enumerable.Range(0, count).Select(i => Substitute(item, i)));
            }
        }
        return new ConfigSequence(expanded, items.Span);
    }

    // The number of values of the ranges in one scalar, which must all have as many.
    private int? CountOf(ConfigScalar scalar)
    {
        int? count = null;
        foreach (Match match in Range().Matches(scalar.Value))
        {
            if (Bound(match.Groups[1].Value) is not { } from || Bound(match.Groups[2].Value) is not { } to || match.Groups[1].Value.Contains('.') != match.Groups[2].Value.Contains('.'))
            {
                diagnostics.Error(DiagnosticCodes.BadRange, scalar.Span,
                    $"range {match.Value} in '{scalar.Value}' must go from a number to a number ([1-100]) or from an IPv4 address to one ([10.0.0.10-10.0.3.241])");
                return null;
            }
            if (to < from || to - from + 1 > MaxCount)
            {
                diagnostics.Error(DiagnosticCodes.BadRange, scalar.Span, to < from
                    ? $"range {match.Value} in '{scalar.Value}' counts down; write the lower number first ([{to}-{from}])"
                    : $"range {match.Value} in '{scalar.Value}' makes {to - from + 1} entries; at most {MaxCount} are allowed");
                return null;
            }
            int n = (int)(to - from + 1);
            if (count is { } other && other != n)
            {
                diagnostics.Error(DiagnosticCodes.BadRange, scalar.Span,
                    $"the ranges in '{scalar.Value}' have {other} and {n} values; ranges written together go in step and must have as many");
                return null;
            }
            count = n;
        }
        return count;
    }

    // Every range inside an expanded entry or item goes in step with the one that expands it.
    private bool Agrees(ConfigNode node, int count, ConfigScalar by)
    {
        bool ok = true;
        foreach (var scalar in Scalars(node).Where(s => s != by && HasRange(s.Value)))
        {
            if (CountOf(scalar) is not { } n)
            {
                ok = false;
            }
            else if (n != count)
            {
                diagnostics.Error(DiagnosticCodes.BadRange, scalar.Span,
                    $"'{scalar.Value}' has {n} values, but '{by.Value}' (at {by.Span}) makes {count} entries; each range of an entry gives one value to each");
                ok = false;
            }
        }
        return ok;
    }

    private static IEnumerable<ConfigScalar> Scalars(ConfigNode node) => node switch
    {
        ConfigScalar scalar => [scalar],
        ConfigSequence list => list.Items.SelectMany(Scalars),
        ConfigMapping map => map.Entries.SelectMany(e => Scalars(e.Key).Concat(Scalars(e.Value))),
        _ => [],
    };

    // The node with every range replaced by its i-th value, in the places the user wrote them.
    private static ConfigNode Substitute(ConfigNode node, int i) => node switch
    {
        ConfigScalar scalar when HasRange(scalar.Value) => new ConfigScalar(Range().Replace(scalar.Value, m => Value(m, i)), scalar.Span),
        ConfigSequence list => new ConfigSequence([.. list.Items.Select(item => Substitute(item, i))], list.Span),
        ConfigMapping map => new ConfigMapping([.. map.Entries.Select(e => new KeyValuePair<ConfigScalar, ConfigNode>((ConfigScalar)Substitute(e.Key, i), Substitute(e.Value, i)))], map.Span),
        _ => node,
    };

    private static string Value(Match range, int i)
    {
        string from = range.Groups[1].Value;
        long value = Bound(from)!.Value + i;
        if (from.Contains('.'))
        {
            return $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";
        }
        int width = from.Length > 1 && from[0] == '0' ? from.Length : 0;
        return value.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
    }

    // A range's end as a number: itself, or an IPv4 address as its 32 bits; null for an address with an octet over 255.
    private static long? Bound(string text)
    {
        if (!text.Contains('.'))
        {
            return long.Parse(text, CultureInfo.InvariantCulture);
        }
        long value = 0;
        foreach (var octet in text.Split('.'))
        {
            int n = int.Parse(octet, CultureInfo.InvariantCulture);
            if (n > 255)
            {
                return null;
            }
            value = (value << 8) | (uint)n;
        }
        return value;
    }
}
