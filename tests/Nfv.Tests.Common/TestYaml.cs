using Nfv.Abstractions.Configuration;

namespace Nfv.Tests.Common;

/// <summary>
/// Reads a small subset of YAML into <see cref="ConfigNode"/>s with 1-based line and column spans, as the
/// topology loader reports them, so function tests can write their configuration as it appears in a topology
/// file without depending on the loader.
/// </summary>
/// <remarks>
/// Supported: block mappings by indentation, block sequences (<c>- item</c>), flow mappings (<c>{ a: 1 }</c>) and
/// flow sequences (<c>[1, 2]</c>) on one line, plain and double-quoted scalars, <c>#</c> comments. Not a YAML
/// parser: no anchors, multi-line scalars or escapes. Malformed input throws <see cref="FormatException"/>.
/// </remarks>
public static class TestYaml
{
    /// <summary>Parses <paramref name="yaml"/>, whose top level must be a block mapping.</summary>
    public static ConfigMapping Parse(string yaml, string file = "test.yaml")
    {
        var lines = yaml.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var reader = new BlockReader(lines, file);
        int line = reader.NextContentLine(0);
        if (line < 0)
        {
            return new ConfigMapping([], new SourceSpan(file, 1, 1));
        }
        int end = line;
        var node = reader.ReadBlock(ref end, Indent(lines[line]));
        return node as ConfigMapping ?? throw new FormatException("The top level must be a mapping.");
    }

    /// <summary>Parses <paramref name="yaml"/> and returns the mapping under its only key (for <c>lan: { kind: switch }</c>).</summary>
    public static ConfigMapping ParseFunction(string yaml, string file = "test.yaml")
    {
        var root = Parse(yaml, file);
        if (root.Entries.Count != 1 || root.Entries[0].Value is not ConfigMapping map)
        {
            throw new FormatException("Expected one key whose value is a mapping.");
        }
        return map;
    }

    private static int Indent(string line)
    {
        int i = 0;
        while (i < line.Length && line[i] == ' ')
        {
            i++;
        }
        return i;
    }

    private static string StripComment(string line)
    {
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == '#' && !quoted && (i == 0 || line[i - 1] == ' '))
            {
                return line[..i].TrimEnd();
            }
        }
        return line.TrimEnd();
    }

    private sealed class BlockReader(string[] lines, string file)
    {
        public int NextContentLine(int from)
        {
            for (int i = from; i < lines.Length; i++)
            {
                if (StripComment(lines[i]).Trim().Length != 0)
                {
                    return i;
                }
            }
            return -1;
        }

        // Reads the block (mapping or sequence) whose first line is `line` at `indent`; leaves `line` after it.
        public ConfigNode ReadBlock(ref int line, int indent)
        {
            string first = StripComment(lines[line]);
            bool sequence = first.AsSpan(indent).StartsWith("- ") || first.AsSpan(indent).SequenceEqual("-");
            var span = new SourceSpan(file, line + 1, indent + 1);
            var entries = new List<KeyValuePair<ConfigScalar, ConfigNode>>();
            var items = new List<ConfigNode>();
            while (line >= 0 && line < lines.Length)
            {
                int current = NextContentLine(line);
                if (current < 0)
                {
                    line = lines.Length;
                    break;
                }
                string text = StripComment(lines[current]);
                int ind = Indent(text);
                if (ind < indent)
                {
                    line = current;
                    break;
                }
                if (ind > indent)
                {
                    throw new FormatException($"Line {current + 1}: unexpected indentation.");
                }
                line = current;
                if (sequence)
                {
                    if (text[ind] != '-')
                    {
                        // A key at the sequence's indentation: the sequence was the value of the key above.
                        break;
                    }
                    int col = ind + 1;
                    while (col < text.Length && text[col] == ' ')
                    {
                        col++;
                    }
                    items.Add(ReadValue(ref line, text, col, indent));
                }
                else
                {
                    int colon = FindKeyColon(text, ind);
                    if (colon < 0)
                    {
                        throw new FormatException($"Line {current + 1}: expected 'key: value'.");
                    }
                    var key = new ConfigScalar(Unquote(text[ind..colon].Trim()), new SourceSpan(file, current + 1, ind + 1));
                    int col = colon + 1;
                    while (col < text.Length && text[col] == ' ')
                    {
                        col++;
                    }
                    entries.Add(new(key, ReadValue(ref line, text, col, indent)));
                }
            }
            return sequence ? new ConfigSequence(items, span) : new ConfigMapping(entries, span);
        }

        // The value starting at text[col] on `line`: inline, or a nested block on the following lines.
        private ConfigNode ReadValue(ref int line, string text, int col, int indent)
        {
            int current = line;
            if (col < text.Length)
            {
                var flow = new FlowReader(text, current + 1, file);
                var node = flow.Read(col);
                line = current + 1;
                return node;
            }
            int next = NextContentLine(current + 1);
            if (next >= 0)
            {
                int nextIndent = Indent(StripComment(lines[next]));
                string nextText = StripComment(lines[next]);
                bool nestedSequence = nextIndent == indent && nextText.AsSpan(nextIndent).StartsWith("- ");
                if (nextIndent > indent || nestedSequence)
                {
                    line = next;
                    return ReadBlock(ref line, nextIndent);
                }
            }
            line = current + 1;
            return new ConfigScalar("", new SourceSpan(file, current + 1, col + 1));
        }

        private static int FindKeyColon(string text, int start)
        {
            bool quoted = false;
            for (int i = start; i < text.Length; i++)
            {
                if (text[i] == '"')
                {
                    quoted = !quoted;
                }
                else if (!quoted && text[i] == ':' && (i + 1 == text.Length || text[i + 1] == ' '))
                {
                    return i;
                }
            }
            return -1;
        }
    }

    private static string Unquote(string s) => s.Length >= 2 && s[0] == '"' && s[^1] == '"' ? s[1..^1] : s;

    private sealed class FlowReader(string text, int lineNumber, string file)
    {
        private int _pos;

        public ConfigNode Read(int start)
        {
            _pos = start;
            var node = ReadNode(inFlow: false);
            SkipSpaces();
            if (_pos < text.Length)
            {
                throw new FormatException($"Line {lineNumber}: unexpected '{text[_pos..]}'.");
            }
            return node;
        }

        private SourceSpan Here => new(file, lineNumber, _pos + 1);

        private ConfigNode ReadNode(bool inFlow)
        {
            SkipSpaces();
            if (_pos >= text.Length)
            {
                return new ConfigScalar("", Here);
            }
            if (text[_pos] == '{')
            {
                var span = Here;
                _pos++;
                var entries = new List<KeyValuePair<ConfigScalar, ConfigNode>>();
                while (true)
                {
                    SkipSpaces();
                    Expect();
                    if (text[_pos] == '}')
                    {
                        _pos++;
                        return new ConfigMapping(entries, span);
                    }
                    var keySpan = Here;
                    int colon = text.IndexOf(':', _pos);
                    if (colon < 0)
                    {
                        throw new FormatException($"Line {lineNumber}: expected ':' in a flow mapping.");
                    }
                    var key = new ConfigScalar(Unquote(text[_pos..colon].Trim()), keySpan);
                    _pos = colon + 1;
                    entries.Add(new(key, ReadNode(inFlow: true)));
                    SkipSpaces();
                    Expect();
                    if (text[_pos] == ',')
                    {
                        _pos++;
                    }
                }
            }
            if (text[_pos] == '[')
            {
                var span = Here;
                _pos++;
                var items = new List<ConfigNode>();
                while (true)
                {
                    SkipSpaces();
                    Expect();
                    if (text[_pos] == ']')
                    {
                        _pos++;
                        return new ConfigSequence(items, span);
                    }
                    items.Add(ReadNode(inFlow: true));
                    SkipSpaces();
                    Expect();
                    if (text[_pos] == ',')
                    {
                        _pos++;
                    }
                }
            }
            var scalarSpan = Here;
            if (text[_pos] == '"')
            {
                int close = text.IndexOf('"', _pos + 1);
                if (close < 0)
                {
                    throw new FormatException($"Line {lineNumber}: unterminated string.");
                }
                string value = text[(_pos + 1)..close];
                _pos = close + 1;
                return new ConfigScalar(value, scalarSpan);
            }
            int begin = _pos;
            while (_pos < text.Length && !(inFlow && text[_pos] is ',' or '}' or ']'))
            {
                _pos++;
            }
            return new ConfigScalar(text[begin.._pos].Trim(), scalarSpan);
        }

        private void SkipSpaces()
        {
            while (_pos < text.Length && text[_pos] == ' ')
            {
                _pos++;
            }
        }

        private void Expect()
        {
            if (_pos >= text.Length)
            {
                throw new FormatException($"Line {lineNumber}: unexpected end of line in a flow collection.");
            }
        }
    }
}
