//! EPUB 3 (OCF and package document): the namespaces its reader, writer and validator share.

/// The OCF container document (`META-INF/container.xml`).
pub const CONTAINER_NAMESPACE: &str = "urn:oasis:names:tc:opendocument:xmlns:container";
/// The package document.
pub const OPF_NAMESPACE: &str = "http://www.idpf.org/2007/opf";
/// Dublin Core elements in the package metadata.
pub const DC_NAMESPACE: &str = "http://purl.org/dc/elements/1.1/";
/// Marks newsarc's own publications (`<meta name="generator">`), so its reader knows the
/// conventions its writer followed.
pub const GENERATOR: &str = "newsarc";
/// EPUB's own attributes in content documents (`epub:type`).
pub const OPS_NAMESPACE: &str = "http://www.idpf.org/2007/ops";
