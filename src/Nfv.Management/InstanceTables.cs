using Nfv.Abstractions.Inspection;
using Nfv.Dataplane.Graph;

namespace Nfv.Management;

/// <summary>
/// The tables of a running function as every view shows them (<c>/api/tables</c>, <c>nfv show</c>, <c>nfv where</c>,
/// the metrics): one table of each name under the function's name, however many instances it runs
/// (<see cref="FunctionTable.OfInstances"/>: entries summed, rows of one name shown once, the bound the instances hold
/// together). Asked for each instance (<c>/api/tables/NAME?instances=each</c>), a function run per worker lists each
/// instance's own table under <c>NAME@WORKER</c>: what each learned, and will act on.
/// </summary>
internal static class InstanceTables
{
    public static IEnumerable<(string Function, FunctionTable Table)> Of(FunctionNode node, bool eachInstance = false)
    {
        if (node.Function is not IInspectableFunction)
        {
            yield break;
        }
        // Instances are of one kind: their tables come in the same order.
        var byInstance = node.Instances.Select(i => ((IInspectableFunction)i.Function).Tables).ToList();
        for (int k = 0; k < byInstance[0].Count; k++)
        {
            var tables = byInstance.Select(t => t[k]).ToList();
            if (eachInstance && tables.Count > 1 && !tables[0].SameInEveryInstance)
            {
                for (int i = 0; i < tables.Count; i++)
                {
                    yield return (node.InstanceName(node.Instances[i]), tables[i]);
                }
            }
            else
            {
                yield return (node.Name, FunctionTable.OfInstances(tables));
            }
        }
    }
}
