"""SpiffWorkflow's BPMN parser, reading a lane's role code instead of its visible name.

SpiffWorkflow gives every task spec the ``name`` of its lane as ``task_spec.lane``, and Yishi treats that as the
role which may work the task. Lanes now show the bilingual role name (``网格管家 Grid steward``) and keep the code
in their ``role`` property (``bpmn.lane_role``), so the parser is told the code.
"""

from __future__ import annotations

from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from engine.definitions import bpmn


class YishiBpmnParser(SpiffBpmnParser):
    def _add_diagram_indexes(self, document):
        super()._add_diagram_indexes(document)
        root = document.getroot() if hasattr(document, "getroot") else document
        self.document_lanes[self._document_key(document)] = {
            ref.text: bpmn.lane_role(ref.getparent())
            for ref in bpmn.xpath(root, ".//bpmn:flowNodeRef") if ref.text is not None}
