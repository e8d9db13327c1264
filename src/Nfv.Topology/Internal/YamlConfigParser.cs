using System.Text.RegularExpressions;
using Nfv.Abstractions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nfv.Topology.Internal;

/// <summary>
/// Turns YAML text into a <see cref="ConfigNode"/> tree where every node knows its line and column.
/// </summary>
/// <remarks>
/// Reads YamlDotNet's event stream (<see cref="Parser"/>) rather than its representation model:
/// <c>YamlMappingNode</c> throws on the first duplicate key and stops, where a topology must report
/// every duplicate with both places and go on. Events carry the same <see cref="Mark"/>s (1-based).
/// </remarks>
internal sealed partial class YamlConfigParser
{
    // Deep enough for any topology, shallow enough that a hostile file cannot overflow the stack.
    private const int MaxDepth = 64;

    private readonly string _file;
    private readonly DiagnosticBag _diagnostics;
    private readonly Dictionary<string, ConfigNode> _anchors = new(StringComparer.Ordinal);

    // The flow collections ('{', '[') being read, innermost last: where to point when one is never closed.
    private readonly Stack<(Mark Start, char Bracket)> _openFlow = new();

    private YamlConfigParser(string file, DiagnosticBag diagnostics)
    {
        _file = file;
        _diagnostics = diagnostics;
    }

    /// <summary>
    /// Parses the first document of <paramref name="text"/>. Returns null for an empty stream or after
    /// a syntax error (reported as <see cref="DiagnosticCodes.YamlSyntax"/> with its position).
    /// </summary>
    public static ConfigNode? Parse(string text, string file, DiagnosticBag diagnostics) =>
        new YamlConfigParser(file, diagnostics).ParseStream(text);

    private ConfigNode? ParseStream(string text)
    {
        var scanner = new Scanner(new StringReader(text));
        try
        {
            var parser = new Parser(scanner);
            parser.Consume<StreamStart>();
            ConfigNode? root = null;
            if (parser.TryConsume<DocumentStart>(out _))
            {
                root = ParseNode(parser, depth: 0);
                parser.Consume<DocumentEnd>();
                if (parser.Accept<DocumentStart>(out var second))
                {
                    _diagnostics.Error(DiagnosticCodes.YamlSyntax, SpanOf(second.Start),
                        "the file holds a second YAML document; a topology is one document");
                    return root;
                }
            }
            parser.Consume<StreamEnd>();
            return root;
        }
        catch (YamlException ex)
        {
            _diagnostics.Error(DiagnosticCodes.YamlSyntax, SpanOf(ex.Start), DescribeSyntaxError(ex));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner throws these on some malformed input (an unclosed '{' or '['
            // followed by block text); still a syntax error, reported at the bracket left open.
            var stopped = SpanOf(scanner.CurrentPosition);
            if (_openFlow.TryPeek(out var open))
            {
                _diagnostics.Error(DiagnosticCodes.YamlSyntax, SpanOf(open.Start),
                    $"invalid YAML: this '{open.Bracket}' is not closed before line {stopped.Line}, column {stopped.Column}");
            }
            else
            {
                _diagnostics.Error(DiagnosticCodes.YamlSyntax, stopped, "invalid YAML: the file is malformed here; is a '[', '{' or quote above left open?");
            }
            return null;
        }
    }

    private ConfigNode ParseNode(IParser parser, int depth)
    {
        var current = parser.Current ?? throw new YamlException("unexpected end of the YAML stream");
        switch (current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (_anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    return target;
                }
                _diagnostics.Error(DiagnosticCodes.YamlSyntax, SpanOf(alias.Start), $"the alias '*{alias.Value.Value}' names no anchor ('&{alias.Value.Value}') before it");
                return new ConfigScalar("", SpanOf(alias.Start));

            case Scalar scalar:
                parser.MoveNext();
                return Anchor(scalar, new ConfigScalar(IsNull(scalar) ? "" : scalar.Value, SpanOf(scalar.Start)));

            case SequenceStart or MappingStart when depth >= MaxDepth:
                _diagnostics.Error(DiagnosticCodes.YamlSyntax, SpanOf(current.Start), $"the file nests deeper than {MaxDepth} levels");
                parser.SkipThisAndNestedEvents();
                return new ConfigScalar("", SpanOf(current.Start));

            case SequenceStart start:
            {
                OpenCollection(start, start.Style == SequenceStyle.Flow, '[');
                parser.MoveNext();
                var items = new List<ConfigNode>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(ParseNode(parser, depth + 1));
                }
                CloseCollection(start.Style == SequenceStyle.Flow);
                return Anchor(start, new ConfigSequence(items, SpanOf(start.Start)));
            }

            case MappingStart start:
            {
                OpenCollection(start, start.Style == MappingStyle.Flow, '{');
                parser.MoveNext();
                var entries = new List<KeyValuePair<ConfigScalar, ConfigNode>>();
                var seen = new Dictionary<string, ConfigScalar>(StringComparer.Ordinal);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ParseNode(parser, depth + 1);
                    var value = ParseNode(parser, depth + 1);
                    if (key is not ConfigScalar scalarKey)
                    {
                        _diagnostics.Error(DiagnosticCodes.WrongType, key.Span, $"a key must be a single value, not {key.Describe()}");
                    }
                    else if (seen.TryGetValue(scalarKey.Value, out var first))
                    {
                        // Keep the first: it is what ConfigMapping's indexer would answer anyway.
                        _diagnostics.Error(DiagnosticCodes.DuplicateName, scalarKey.Span, $"'{scalarKey.Value}' is already declared at {first.Span}");
                    }
                    else
                    {
                        seen.Add(scalarKey.Value, scalarKey);
                        entries.Add(new(scalarKey, value));
                    }
                }
                CloseCollection(start.Style == MappingStyle.Flow);
                return Anchor(start, new ConfigMapping(entries, SpanOf(start.Start)));
            }

            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }
    }

    private void OpenCollection(ParsingEvent start, bool flow, char bracket)
    {
        if (flow)
        {
            _openFlow.Push((start.Start, bracket));
        }
    }

    private void CloseCollection(bool flow)
    {
        if (flow)
        {
            _openFlow.Pop();
        }
    }

    private ConfigNode Anchor(NodeEvent node, ConfigNode converted)
    {
        if (!node.Anchor.IsEmpty)
        {
            _anchors[node.Anchor.Value] = converted;
        }
        return converted;
    }

    // YAML's core schema: a plain ~, null, Null or NULL (or nothing at all) is no value.
    private static bool IsNull(Scalar scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty && scalar.Value is "~" or "null" or "Null" or "NULL";

    private SourceSpan SpanOf(Mark mark) =>
        new(_file, (int)Math.Clamp(mark.Line, 1, int.MaxValue), (int)Math.Clamp(mark.Column, 1, int.MaxValue));

    // YamlException's message starts with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the diagnostic
    // has the position already.
    private static string DescribeSyntaxError(YamlException ex)
    {
        var message = PositionPrefix().Replace(ex.Message, "").Trim();
        if (message.Length == 0)
        {
            return "the file is not valid YAML";
        }
        return "invalid YAML: " + char.ToLowerInvariant(message[0]) + message[1..].TrimEnd('.');
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();
}
