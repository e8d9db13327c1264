using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Internal;

internal sealed partial class TopologyResolver
{
    // Each feature (by function index) to the place that named it first: a feature serves one place.
    private readonly Dictionary<int, FeatureReference> _featureUsers = [];

    /// <summary>
    /// Resolves the features functions name (<c>nat: masq</c> on a router interface): each must be a function of this
    /// topology, a feature of the kind the key asks for, and named by one place only; the feature then checks the place.
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
                ResolveFeature(reference);
            }
        }
    }

    private void ResolveFeature(FeatureReference reference)
    {
        string named = $"'{reference.Kind}: {reference.Name}' of {reference.Place}";
        if (!_names.TryGetValue(reference.Name, out var declared))
        {
            var candidates = _functions.Where(f => f.Kind == reference.Kind).Select(f => f.Name).ToList();
            _diagnostics.Error(DiagnosticCodes.BadFeature, reference.Span,
                $"{named} names no function of this topology; declare one, such as '{reference.Name}: {{ kind: {reference.Kind} }}' under 'functions:'{Names.DidYouMean(reference.Name, candidates)}");
            return;
        }
        if (declared.Kind != EndpointKind.Function)
        {
            _diagnostics.Error(DiagnosticCodes.BadFeature, reference.Span, $"{named} names the external port '{reference.Name}', not a function of kind {reference.Kind}");
            return;
        }
        var entry = _functions[declared.Index];
        if (entry.Kind is null)
        {
            return; // its definition was refused, and said why
        }
        if (!string.Equals(entry.Kind, reference.Kind, StringComparison.OrdinalIgnoreCase) || entry.Blueprint is not (FeatureBlueprint or null))
        {
            _diagnostics.Error(DiagnosticCodes.BadFeature, reference.Span,
                $"{named} names '{reference.Name}', a function of kind {entry.Kind}; it must name a function of kind {reference.Kind}");
            return;
        }
        entry.Linked = true; // used: no "not linked" warning
        if (_featureUsers.TryGetValue(declared.Index, out var first))
        {
            _diagnostics.Error(DiagnosticCodes.BadFeature, reference.Span,
                $"{named}: '{reference.Name}' already serves {first.Place} (at {first.Span}); a {reference.Kind} serves one interface, so declare another for this one");
            return;
        }
        _featureUsers.Add(declared.Index, reference);
        if (entry.Blueprint is FeatureBlueprint feature)
        {
            feature.CheckPlacement(reference, _diagnostics);
        }
    }
}
