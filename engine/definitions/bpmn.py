"""Small lxml helpers over BPMN 2.0 documents (namespaces, ids, properties), shared by lint and definitions."""

from __future__ import annotations

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS, "bpmndi": BPMNDI_NS}

FORM_PROPERTY = "formJsonSchemaFilename"
START_FORM_PROPERTY = "startFormJsonSchemaFilename"
START_ROLES_PROPERTY = "startRoles"
DUE_PROPERTY = "dueDate"
CASE_EVENT_PROPERTY = "caseEvent"  # on a timer boundary event: the case-file event kind its firing records
ASSIGNEE_PROPERTY = "assignee"  # on a user task: an expression giving the one user who works it
CASE_VARIABLES_PROPERTY = "caseVariables"  # on a process: what it reads from its callers
ROLE_PROPERTY = "role"  # on a lane: the role code that works its tasks
SIGN_RULE_PROPERTY = "signRule"  # on a multi-instance user task: all | any | sequential | a vote word (expression)
SIGNATURE_PROPERTY = "signature"  # on a user task: required | optional (a handwritten signature)
# task actions (issue 13, processes/CONVENTIONS.md "Task actions")
STATUTORY_PROPERTY = "statutory"  # on a user task: vote | legality | filing — its decision stays with its role
# 退回 is drawn: an interrupting signal boundary event on the returning user task, marked ``sendBack`` = true, whose
# one outgoing sequence flow leads back (directly or through merging exclusive gateways) to an earlier user task
SEND_BACK_PROPERTY = "sendBack"
# on a user task of versions deployed before returns were drawn: the earlier user tasks its holder may send the case
# back to; still honoured for their running cases, refused by lint in anything new
RETURN_TO_PROPERTY = "returnTo"
COPY_TO_PROPERTY = "copyTo"  # on a user task: roles the case is copied to (抄送) when it is completed
SUMMARY_PROPERTY = "summaryFields"  # on a process: two or three case values every list and message shows
WITHDRAW_UNTIL_PROPERTY = "withdrawUntil"  # on a process: the steps from which the starter may no longer withdraw


def xpath(node: etree._Element, expr: str) -> list:
    return node.xpath(expr, namespaces=NS)


def local(node: etree._Element) -> str:
    return etree.QName(node).localname


def properties(node: etree._Element) -> dict[str, str]:
    """The ``spiffworkflow:properties`` of an element (its own extensionElements only)."""
    found = {}
    for prop in xpath(node, "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"):
        name = prop.get("name")
        if name:
            found[name] = prop.get("value", "")
    return found


def is_send_back(node: etree._Element) -> bool:
    """A drawn 退回: a boundary event marked ``sendBack`` = true (its flow goes back, never ahead)."""
    return local(node) == "boundaryEvent" and properties(node).get(SEND_BACK_PROPERTY, "").strip().lower() == "true"


def processes(tree: etree._ElementTree) -> list[etree._Element]:
    return xpath(tree.getroot(), "//bpmn:process")


def is_executable(process: etree._Element) -> bool:
    return process.get("isExecutable", "false").lower() == "true"


def owning_process(node: etree._Element) -> etree._Element | None:
    for ancestor in node.iterancestors():
        if ancestor.tag == f"{{{BPMN_NS}}}process":
            return ancestor
    return None


def lane_role(lane: etree._Element) -> str | None:
    """The role code of a lane: its ``role`` property, else (files written before lanes had one) its name.

    The visible name is the bilingual role name (``网格管家 Grid steward``, written by ``yishi layout``); the code
    stays machine-readable in ``<spiffworkflow:property name="role" value="grid_steward"/>``.
    """
    code = properties(lane).get(ROLE_PROPERTY, "").strip() or (lane.get("name") or "").strip()
    return code or None


def lanes_by_node(tree: etree._ElementTree) -> dict[str, str | None]:
    """flowNodeRef id -> lane role code (None when the lane has none), across the document."""
    result: dict[str, str | None] = {}
    for lane in xpath(tree.getroot(), "//bpmn:lane"):
        for ref in xpath(lane, "./bpmn:flowNodeRef"):
            if ref.text:
                result[ref.text.strip()] = lane_role(lane)
    return result


def lane_of(node: etree._Element, lanes: dict[str, str | None]) -> tuple[bool, str | None]:
    """(in a lane?, lane name) for a flow node, inheriting from an enclosing embedded subProcess."""
    current = node
    while current is not None:
        node_id = current.get("id")
        if node_id in lanes:
            return True, lanes[node_id]
        current = current.getparent()
        if current is None or current.tag != f"{{{BPMN_NS}}}subProcess":
            break
    return False, None
