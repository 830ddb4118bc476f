"""Spec-less workflow state: only the instance is serialized; specs come from the cached definition.

Embedding the spec in every case would double the cost of every step (SPIFFWORKFLOW_NOTES §4).
The converter is SpiffWorkflow's documented extension point: a replacement converter for
``BpmnWorkflow`` registered in a *copy* of ``SPIFF_CONFIG``.
"""

from __future__ import annotations

import json
import threading
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import CallActivity

from engine.definitions.parser import _CallActivity


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["spec_name"] = workflow.spec.name
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = SpeclessWorkflowConverter
# Yishi's call activity (engine/definitions/parser.py) converts as SpiffWorkflow's: the migration diff compares
# specs through this registry, and an unregistered class made it fail on every method that calls a shared process
_config[_CallActivity] = SPIFF_CONFIG[CallActivity]
_local = threading.local()  # serialize_json flips state on its registry: one serializer per thread


def _serializer() -> BpmnWorkflowSerializer:
    ser = getattr(_local, "serializer", None)
    if ser is None:
        ser = _local.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))
    return ser


def dumps(workflow: BpmnWorkflow) -> str:
    return _serializer().serialize_json(workflow)


def loads(state: str, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    """Restore a workflow against its pinned specs and re-attach the sandboxed script engine."""
    ser = _serializer()
    dct = json.loads(state)
    ser.migrate(dct)
    workflow = ser.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = script_engine
    return workflow


def registry():
    """The converter registry, for SpiffWorkflow's workflow diff."""
    return _serializer().registry
