using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Internal;

internal sealed partial class TopologyResolver
{
    // Each feature (by function index) to the place that named it first and the function that did: a feature serves one
    // place, and runs on that function's node.
    private readonly Dictionary<int, (FeatureReference Reference, int User)> _featureUsers = [];

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
                ResolveFeature(reference, i);
            }
        }
    }

    private void ResolveFeature(FeatureReference reference, int user)
    {
        string named = $"feature '{reference.Name}' of {reference.Place}";
        string contract = reference.ContractName;
        if (!_names.TryGetValue(reference.Name, out var declared))
        {
            var candidates = _functions.Where(f => Fits(f, reference)).Select(f => f.Name).ToList();
            _diagnostics.Error(DiagnosticCodes.BadFeature, reference.Span,
                $"{named} names no function of this topology; declare it under 'functions:' with a kind that makes {contract}s{Names.DidYouMean(reference.Name, candidates)}");
            return;
        }
        if (declared.Kind != EndpointKind.Function)
        {
            _diagnostics.Error(DiagnosticCodes.BadFeature, reference.Span, $"{named} names the external port '{reference.Name}'; only functions that are {contract}s can be named here");
            return;
        }
        var entry = _functions[declared.Index];
        if (entry.Kind is null || entry.Blueprint is null)
        {
            return; // its definition was refused, and said why
        }
        if (!Fits(entry, reference))
        {
            _diagnostics.Error(DiagnosticCodes.BadFeature, reference.Span,
                $"{named} names '{reference.Name}', a function of kind {entry.Kind}; only {contract}s can be named here{Candidates(reference)}");
            return;
        }
        entry.Blueprint = FeatureOf(entry.Blueprint)!; // a function that may also be linked serves as its feature form
        entry.Linked = true; // used: no "not linked" warning
        if (_featureUsers.TryGetValue(declared.Index, out var first))
        {
            _diagnostics.Error(DiagnosticCodes.BadFeature, reference.Span,
                $"{named}: '{reference.Name}' already serves {first.Reference.Place} (at {first.Reference.Span}); a feature serves one place, so declare another for this one");
            return;
        }
        _featureUsers.Add(declared.Index, (reference, user));
        ((FeatureBlueprint)entry.Blueprint).CheckPlacement(reference, _diagnostics);
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
