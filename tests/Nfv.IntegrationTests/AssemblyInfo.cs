// Each test runs a whole lab (nfv, namespaces, real tools) on a 2-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
