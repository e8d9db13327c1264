using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Internal;

internal sealed partial class TopologyResolver
{
    // Each feature (by function index) to the place that named it first: a feature serves one place.
    private readonly Dictionary<int, FeatureReference> _featureUsers = [];

    /// <summary>
    /// Resolves the features functions name (<c>features: [masq]</c> on a router interface): each must be a function of
    /// this topology whose blueprint is a feature of the contract the place asks for, named by one place only; the feature
    /// then checks the place. Nothing here knows a kind: the contract is a type both functions share.
    /// </summary>
    private void ResolveFeatures()
    {
        for (int i = 0; i < _functions.Count; i++)
        {
            if (_functions[i].Blueprint is not { } blueprint || !Owns(_functions[i].Name, EndpointKind.Function, i))
            {
                continue;
            }
            foreach (var reference in blueprint.FeatureReferences)
            {
                if (ResolveFeature(reference) is int feature)
                {
                    _featureOwners.TryAdd(feature, i);
                }
            }
        }
    }

    // The feature's function index when the reference resolves, else null.
    private int? ResolveFeature(FeatureReference reference)
    {
        string named = $"feature '{reference.Name}' of {reference.Place}";
        string contract = reference.ContractName;
        if (!_names.TryGetValue(reference.Name, out var declared))
        {
            var candidates = _functions.Where(f => Fits(f, reference)).Select(f => f.Name).ToList();
            _diagnostics.Error(DiagnosticCodes.BadFeature, reference.Span,
                $"{named} names no function of this topology; declare it under 'functions:' with a kind that makes {contract}s{Names.DidYouMean(reference.Name, candidates)}");
            return null;
        }
        if (declared.Kind != EndpointKind.Function)
        {
            _diagnostics.Error(DiagnosticCodes.BadFeature, reference.Span, $"{named} names the external port '{reference.Name}'; only functions that are {contract}s can be named here");
            return null;
        }
        var entry = _functions[declared.Index];
        if (entry.Kind is null || entry.Blueprint is null)
        {
            return null; // its definition was refused, and said why
        }
        if (!Fits(entry, reference))
        {
            _diagnostics.Error(DiagnosticCodes.BadFeature, reference.Span,
                $"{named} names '{reference.Name}', a function of kind {entry.Kind}; only {contract}s can be named here{Candidates(reference)}");
            return null;
        }
        entry.Blueprint = FeatureOf(entry.Blueprint)!; // a function that may also be linked serves as its feature form
        entry.Linked = true; // used: no "not linked" warning
        if (_featureUsers.TryGetValue(declared.Index, out var first))
        {
            _diagnostics.Error(DiagnosticCodes.BadFeature, reference.Span,
                $"{named}: '{reference.Name}' already serves {first.Place} (at {first.Span}); a feature serves one place, so declare another for this one");
            return null;
        }
        _featureUsers.Add(declared.Index, reference);
        ((FeatureBlueprint)entry.Blueprint).CheckPlacement(reference, _diagnostics);
        return declared.Index;
    }

    private static bool Fits(FunctionEntry entry, FeatureReference reference) =>
        entry.Blueprint is not null && FeatureOf(entry.Blueprint) is { } feature && reference.Contract.IsAssignableFrom(feature.Contract);

    private static FeatureBlueprint? FeatureOf(FunctionBlueprint blueprint) => blueprint as FeatureBlueprint ?? blueprint.AsFeature();

    // " (in this topology: masq, nat2)": the functions a reference could name instead.
    private string Candidates(FeatureReference reference)
    {
        var names = _functions.Where(f => Fits(f, reference)).Select(f => f.Name).ToList();
        return names.Count == 0 ? "" : $" (in this topology: {string.Join(", ", names)})";
    }
}
