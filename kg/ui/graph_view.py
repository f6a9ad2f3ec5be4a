"""The Graph page's clickable network: vis-network in a Streamlit component (``st.components.v2``).

A click on a node comes back to Python as the component's ``clicked`` trigger value: the page then
shows that node's details and offers to expand it. vis-network is the copy pyvis ships, inlined
into the component's script, so nothing is fetched from the network.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any

import streamlit as st

#: The copy of vis-network that pyvis ships (the one its offline HTML inlines too).
_VIS_NETWORK = ("templates", "lib", "vis-9.1.2", "vis-network.min.js")

_MOUNT = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data) { return; }
  let holder = parentElement.querySelector("div.pkg-graph");
  if (!holder) {
    holder = document.createElement("div");
    holder.className = "pkg-graph";
    parentElement.appendChild(holder);
  }
  holder.style.height = data.height + "px";
  holder.style.width = "100%";
  const vis = globalThis.vis;
  const network = new vis.Network(holder, {nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)},
                                  data.options);
  network.on("click", (event) => {
    if (event.nodes.length) { setTriggerValue("clicked", String(event.nodes[0])); }
  });
  // Once laid out the graph stays still: a drag moves one node, not the whole picture.
  network.once("stabilizationIterationsDone", () => network.setOptions({physics: false}));
  globalThis.pkgGraph = network;  // the browser test finds the nodes' positions through it
  return () => { network.destroy(); if (globalThis.pkgGraph === network) { globalThis.pkgGraph = undefined; } };
}
"""

_CSS = """
div.pkg-graph { border: 1px solid #e6e9ef; border-radius: 6px; }
"""


@lru_cache(maxsize=1)
def _component() -> Any:
    import pyvis

    vis_source = files(pyvis).joinpath(*_VIS_NETWORK).read_text(encoding="utf-8")
    # Light DOM (isolate_styles=False): vis-network puts its tooltip styles in the page's <head>.
    return st.components.v2.component("policykg_graph", js=vis_source + "\n" + _MOUNT, css=_CSS,
                                      isolate_styles=False)


def graph_view(data: dict[str, Any], *, height: int, key: str) -> str | None:
    """Draw the network; returns the id of the node clicked on this run, else None."""
    result = _component()(data={**data, "height": height}, key=key, height=height + 4,
                          on_clicked_change=lambda: None)
    clicked = getattr(result, "clicked", None)
    return str(clicked) if clicked else None
