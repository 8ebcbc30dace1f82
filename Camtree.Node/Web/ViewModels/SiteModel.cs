namespace Camtree.Node.Web.ViewModels;

/// <summary>What every page shows of the node itself.</summary>
public sealed record SiteModel(string NodeName);
