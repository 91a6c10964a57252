"""Cross-implementation compatibility: the declarative case list, declared capabilities, and (later) the matrix."""
