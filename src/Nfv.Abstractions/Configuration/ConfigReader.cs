using System.Globalization;
using Nfv.Abstractions.Headers;

namespace Nfv.Abstractions.Configuration;

/// <summary>
/// Reads typed values out of <see cref="ConfigNode"/>s, reporting every problem with its place.
/// Each method returns null (or false) after reporting, so callers go on and find the next problem.
/// </summary>
public sealed class ConfigReader(DiagnosticBag diagnostics)
{
    /// <summary>Where problems go.</summary>
    public DiagnosticBag Diagnostics { get; } = diagnostics;

    /// <summary>Reports every key of <paramref name="map"/> not in <paramref name="allowed"/>.</summary>
    public void CheckKeys(ConfigMapping map, string where, params ReadOnlySpan<string> allowed)
    {
        foreach (var (key, _) in map.Entries)
        {
            if (!allowed.Contains(key.Value))
            {
                Diagnostics.Error(DiagnosticCodes.UnknownKey, key.Span,
                    $"unknown key '{key.Value}' in {where}; expected one of: {string.Join(", ", allowed.ToArray())}");
            }
        }
    }

    /// <summary>The node as a mapping, or null after reporting.</summary>
    public ConfigMapping? AsMapping(ConfigNode node, string what)
    {
        if (node is ConfigMapping map)
        {
            return map;
        }
        if (node is ConfigScalar { Value: "" })
        {
            return new ConfigMapping([], node.Span);
        }
        Diagnostics.Error(DiagnosticCodes.WrongType, node.Span, $"{what} must be a mapping, not {node.Describe()}");
        return null;
    }

    /// <summary>The node as a list, or null after reporting.</summary>
    public ConfigSequence? AsSequence(ConfigNode node, string what)
    {
        if (node is ConfigSequence seq)
        {
            return seq;
        }
        Diagnostics.Error(DiagnosticCodes.WrongType, node.Span, $"{what} must be a list, not {node.Describe()}");
        return null;
    }

    /// <summary>The node as a scalar, or null after reporting.</summary>
    public ConfigScalar? AsScalar(ConfigNode node, string what)
    {
        if (node is ConfigScalar scalar)
        {
            return scalar;
        }
        Diagnostics.Error(DiagnosticCodes.WrongType, node.Span, $"{what} must be a single value, not {node.Describe()}");
        return null;
    }

    /// <summary>A required key's value, or null after reporting that it is missing.</summary>
    public ConfigNode? Required(ConfigMapping map, string key, string where)
    {
        var node = map[key];
        if (node is null)
        {
            Diagnostics.Error(DiagnosticCodes.MissingKey, map.Span, $"{where} needs '{key}'");
        }
        return node;
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>], or null after reporting.</summary>
    public int? Int(ConfigNode node, string what, int min, int max)
    {
        if (AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!int.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            Diagnostics.Error(DiagnosticCodes.BadNumber, node.Span, $"{what} must be a whole number from {min} to {max}, not '{scalar.Value}'");
            return null;
        }
        return value;
    }

    /// <summary>A VLAN id (1..4094), or null after reporting.</summary>
    public int? Vlan(ConfigNode node, string what)
    {
        if (AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!int.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value is < 1 or > 4094)
        {
            Diagnostics.Error(DiagnosticCodes.BadVlan, node.Span, $"{what} must be a VLAN id from 1 to 4094, not '{scalar.Value}'");
            return null;
        }
        return value;
    }

    /// <summary>A duration (<c>90s</c>, <c>2m</c>, <c>12h</c>, <c>1d</c>, <c>1h30m</c>, <c>500ms</c>; a bare number is seconds), or null after reporting.</summary>
    public TimeSpan? Duration(ConfigNode node, string what, TimeSpan min, TimeSpan max)
    {
        if (AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!TryParseDuration(scalar.Value, out var value) || value < min || value > max)
        {
            Diagnostics.Error(DiagnosticCodes.BadDuration, node.Span,
                $"{what} must be a duration from {FormatDuration(min)} to {FormatDuration(max)} such as 90s, 5m or 12h, not '{scalar.Value}'");
            return null;
        }
        return value;
    }

    /// <summary>A MAC address, or null after reporting.</summary>
    public MacAddress? Mac(ConfigNode node, string what)
    {
        if (AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!MacAddress.TryParse(scalar.Value, out var mac))
        {
            Diagnostics.Error(DiagnosticCodes.BadMac, node.Span, $"{what} must be a MAC address such as 02:00:00:00:00:01, not '{scalar.Value}'");
            return null;
        }
        return mac;
    }

    /// <summary>
    /// A unicast MAC address (not a group address, not all zeros), or null after reporting; a group or zero address
    /// is reported with <paramref name="code"/> (a function may have its own).
    /// </summary>
    public MacAddress? UnicastMac(ConfigNode node, string what, string code = DiagnosticCodes.BadMac)
    {
        if (Mac(node, what) is not { } mac)
        {
            return null;
        }
        if (mac.IsMulticast || mac.Value == 0)
        {
            Diagnostics.Error(code, node.Span, $"{what} must be a unicast address, not {mac}");
            return null;
        }
        return mac;
    }


    /// <summary><c>true</c> or <c>false</c>, or null after reporting.</summary>
    public bool? Bool(ConfigNode node, string what)
    {
        if (AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (scalar.Value is "true" or "false")
        {
            return scalar.Value == "true";
        }
        Diagnostics.Error(DiagnosticCodes.WrongType, node.Span, $"{what} must be true or false, not '{scalar.Value}'");
        return null;
    }

    /// <summary>
    /// One of <paramref name="words"/> (<c>action: allow</c>), or null after reporting under <paramref name="code"/> with
    /// the words it may be.
    /// </summary>
    public T? Choice<T>(ConfigNode node, string what, IReadOnlyDictionary<string, T> words, string code) where T : struct
    {
        ArgumentNullException.ThrowIfNull(words);
        if (AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (words.TryGetValue(scalar.Value, out var value))
        {
            return value;
        }
        Diagnostics.Error(code, node.Span, $"{what} is '{scalar.Value}'; it must be one of: {string.Join(", ", words.Keys)}");
        return null;
    }

    /// <summary>
    /// Bits per second from <c>10mbit</c>, <c>512kbit</c>, <c>1.5gbit</c>, <c>64000bit</c> (SI: k = 1000), from
    /// <paramref name="min"/> to <paramref name="max"/>, or null after reporting.
    /// </summary>
    public long? BitRate(ConfigNode node, string what, long min, long max)
    {
        if (AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        var (number, unit) = SplitUnit(scalar.Value);
        long multiplier = unit switch { "bit" => 1, "kbit" => 1_000, "mbit" => 1_000_000, "gbit" => 1_000_000_000, _ => 0 };
        if (multiplier > 0 && decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) &&
            value * multiplier is var bits && bits >= min && bits <= max)
        {
            return (long)bits;
        }
        Diagnostics.Error(DiagnosticCodes.BadRate, node.Span,
            $"{what} is '{scalar.Value}'; write a rate from {FormatRate(min)} to {FormatRate(max)}, such as 10mbit, 512kbit or 1.5gbit");
        return null;
    }

    /// <summary>Bytes from <c>64kb</c>, <c>1500b</c>, <c>1mb</c> or a bare number (k = 1024, as tc counts), or null after reporting.</summary>
    public long? ByteSize(ConfigNode node, string what, long min, long max)
    {
        if (AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        var (number, unit) = SplitUnit(scalar.Value);
        long multiplier = unit switch { "" or "b" => 1, "k" or "kb" => 1024, "m" or "mb" => 1024 * 1024, "g" or "gb" => 1024L * 1024 * 1024, _ => 0 };
        if (multiplier > 0 && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) &&
            value <= max && value * multiplier is var bytes && bytes >= min && bytes <= max)
        {
            return bytes;
        }
        Diagnostics.Error(DiagnosticCodes.BadSize, node.Span, $"{what} is '{scalar.Value}'; write a size from {min}b to {max / 1024 / 1024}mb, such as 64kb (k, m and g count 1024s)");
        return null;
    }

    private static string FormatRate(long bits) => bits switch
    {
        >= 1_000_000_000 when bits % 1_000_000_000 == 0 => $"{bits / 1_000_000_000}gbit",
        >= 1_000_000 when bits % 1_000_000 == 0 => $"{bits / 1_000_000}mbit",
        >= 1_000 when bits % 1_000 == 0 => $"{bits / 1_000}kbit",
        _ => $"{bits}bit",
    };

    private static (string Number, string Unit) SplitUnit(string text)
    {
        int i = 0;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }
        return (text[..i], text[i..].ToLowerInvariant());
    }

    /// <summary>Parses a duration; see <see cref="Duration"/>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim();
        if (text.Length == 0)
        {
            return false;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long bare))
        {
            if (bare > 100L * 365 * 86400)
            {
                return false;
            }
            value = TimeSpan.FromSeconds(bare);
            return true;
        }
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == start || i - start > 9)
            {
                return false;
            }
            long number = long.Parse(text.AsSpan(start, i - start), CultureInfo.InvariantCulture);
            int unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }
            TimeSpan unit;
            switch (text[unitStart..i])
            {
                case "ms": unit = TimeSpan.FromMilliseconds(1); break;
                case "s": unit = TimeSpan.FromSeconds(1); break;
                case "m": unit = TimeSpan.FromMinutes(1); break;
                case "h": unit = TimeSpan.FromHours(1); break;
                case "d": unit = TimeSpan.FromDays(1); break;
                default: return false;
            }
            value += unit * number;
        }
        return true;
    }

    /// <summary>Formats a duration the way <see cref="TryParseDuration"/> reads it.</summary>
    public static string FormatDuration(TimeSpan value) => value switch
    {
        { TotalMilliseconds: < 1000 } => $"{(long)value.TotalMilliseconds}ms",
        { Ticks: var t } when t % TimeSpan.TicksPerDay == 0 => $"{t / TimeSpan.TicksPerDay}d",
        { Ticks: var t } when t % TimeSpan.TicksPerHour == 0 => $"{t / TimeSpan.TicksPerHour}h",
        { Ticks: var t } when t % TimeSpan.TicksPerMinute == 0 => $"{t / TimeSpan.TicksPerMinute}m",
        _ => $"{(long)value.TotalSeconds}s",
    };
}
