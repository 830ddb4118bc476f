"""SpiffWorkflow's BPMN parser, as Yishi reads BPMN.

- It reads a lane's role code instead of its visible name. SpiffWorkflow gives every task spec the ``name`` of its
  lane as ``task_spec.lane``, and Yishi treats that as the role which may work the task. Lanes show the bilingual
  role name (``网格管家 Grid steward``) and keep the code in their ``role`` property (``bpmn.lane_role``), so the
  parser is told the code.
- It keeps a boundary event's ``spiffworkflow:properties`` (``caseEvent``: the case-file event a timer's firing
  records), which SpiffWorkflow drops for events.
- A call activity hands back only the called process's declared data outputs, when it declares some.
"""

from __future__ import annotations

import copy

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.event_parsers import SpiffBoundaryEventParser
from SpiffWorkflow.spiff.parser.task_spec import CallActivityParser
from SpiffWorkflow.spiff.specs.defaults import CallActivity
from SpiffWorkflow.util.task import TaskState

from engine.definitions import bpmn


class _BoundaryEventParser(SpiffBoundaryEventParser):
    def create_task(self):
        task = super().create_task()
        task.extensions = self.parse_extensions()
        return task


class _CallActivity(CallActivity):
    """A call activity whose called process declares data outputs (``bpmn:ioSpecification``) hands back those
    outputs only, so a shared activity's own fields (``meeting_at``, ``signatories`` …) never overwrite the
    caller's. Unlike SpiffWorkflow's, it reads them from where the called process ended even when a terminate end
    event stopped it before its internal end, and leaves the caller's value of an output the call did not set."""

    def update_data(self, my_task, subworkflow):
        outputs = subworkflow.spec.io_specification.data_outputs if subworkflow.spec.io_specification else []
        if not outputs:
            return super().update_data(my_task, subworkflow)
        end = subworkflow.get_next_task(subworkflow.task_tree, skip_subprocesses=True, spec_name="End")
        source = end if end is not None and end.state == TaskState.COMPLETED else subworkflow.last_task
        for output in outputs:
            if output.bpmn_id in source.data:
                output.set(my_task, copy.deepcopy(output.get(source)))


class YishiBpmnParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {**SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
                               full_tag("boundaryEvent"): (_BoundaryEventParser, BoundaryEvent),
                               full_tag("callActivity"): (CallActivityParser, _CallActivity)}

    def _add_diagram_indexes(self, document):
        super()._add_diagram_indexes(document)
        root = document.getroot() if hasattr(document, "getroot") else document
        self.document_lanes[self._document_key(document)] = {
            ref.text: bpmn.lane_role(ref.getparent())
            for ref in bpmn.xpath(root, ".//bpmn:flowNodeRef") if ref.text is not None}
