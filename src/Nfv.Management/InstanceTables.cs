using Nfv.Abstractions.Inspection;
using Nfv.Dataplane.Graph;

namespace Nfv.Management;

/// <summary>
/// The tables of a running function as every view shows them (<c>/api/tables</c>, <c>nfv show</c>, <c>nfv where</c>,
/// the metrics): each instance's own, under <c>NAME@WORKER</c> when the function runs an instance per worker (what
/// each learned, and will act on); but a table the same in every instance (<see cref="FunctionTable.SameInEveryInstance"/>:
/// routes) once, from the first instance, under the function's own name.
/// </summary>
internal static class InstanceTables
{
    public static IEnumerable<(string Function, FunctionTable Table)> Of(FunctionNode node)
    {
        foreach (var instance in node.Instances)
        {
            if (instance.Function is not IInspectableFunction inspectable)
            {
                continue;
            }
            bool first = instance == node.Instances[0];
            foreach (var table in inspectable.Tables)
            {
                if (!table.SameInEveryInstance)
                {
                    yield return (node.InstanceName(instance), table);
                }
                else if (first)
                {
                    yield return (node.Name, table);
                }
            }
        }
    }
}
