using System.Text;
using System.Text.RegularExpressions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Topology;

/// <summary>
/// Writes configuration nodes back as YAML that the loader reads to the same nodes: the top level in block style, one
/// line per function, port, host, link or test below it, each in flow style. For <c>nfv validate --expand</c>.
/// </summary>
public static partial class ConfigYaml
{
    // Written plain when the text cannot be read as anything but itself; quoted otherwise.
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_./@+=-]*$")]
    private static partial Regex Plain();

    /// <summary>The YAML of <paramref name="root"/>, a topology's mapping as the loader sees it.</summary>
    public static string Write(ConfigNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var text = new StringBuilder();
        if (root is not ConfigMapping top)
        {
            return Flow(root) + "\n";
        }
        foreach (var (key, value) in top.Entries)
        {
            switch (value)
            {
                case ConfigMapping { Entries.Count: > 0 } map:
                    text.Append(Scalar(key.Value)).Append(":\n");
                    foreach (var (k, v) in map.Entries)
                    {
                        text.Append("  ").Append(Scalar(k.Value)).Append(": ").Append(Flow(v)).Append('\n');
                    }
                    break;
                case ConfigSequence { Items.Count: > 0 } list:
                    text.Append(Scalar(key.Value)).Append(":\n");
                    foreach (var item in list.Items)
                    {
                        text.Append("  - ").Append(Flow(item)).Append('\n');
                    }
                    break;
                default:
                    text.Append(Scalar(key.Value)).Append(": ").Append(Flow(value)).Append('\n');
                    break;
            }
        }
        return text.ToString();
    }

    private static string Flow(ConfigNode node) => node switch
    {
        ConfigScalar scalar => Scalar(scalar.Value),
        ConfigSequence list => $"[{string.Join(", ", list.Items.Select(Flow))}]",
        ConfigMapping map => map.Entries.Count == 0 ? "{}" : $"{{ {string.Join(", ", map.Entries.Select(e => $"{Scalar(e.Key.Value)}: {Flow(e.Value)}"))} }}",
        _ => "null",
    };

    private static string Scalar(string value) => Plain().IsMatch(value)
        ? value
        : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";
}
