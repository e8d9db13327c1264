namespace Nfv.Abstractions.Inspection;

/// <summary>How names of drop reasons and events are written for metrics and the API.</summary>
public static class InspectionNames
{
    /// <summary>PascalCase to snake_case: <c>VlanNotAllowed</c> → <c>vlan_not_allowed</c>.</summary>
    public static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}
