"""Hostile XML uploads are rejected with a clear message before SpiffWorkflow sees them."""

from __future__ import annotations

import pytest

from engine.definitions.compiler import Bundle, compile_bundle
from engine.definitions.xmlsafe import MAX_BPMN_BYTES, UnsafeXML, parse_bpmn
from engine.errors import InvalidDefinition

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="p" isExecutable="true"><bpmn:documentation>&xxe;</bpmn:documentation></bpmn:process>
</bpmn:definitions>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
<d/>"""

NETWORK = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY n SYSTEM "http://127.0.0.1:9/evil">]><d>&n;</d>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""

QUADRATIC = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "' + b"x" * 50_000 + b'">]><d>' + b"&a;" * 5000 + b"</d>"


@pytest.mark.parametrize("payload", [XXE, PARAMETER_ENTITY, NETWORK, LAUGHS, QUADRATIC],
                         ids=["xxe", "parameter-entity", "network-entity", "billion-laughs", "quadratic"])
def test_entity_attacks_are_rejected(payload):
    with pytest.raises(UnsafeXML, match="DOCTYPE and ENTITY declarations are not allowed"):
        parse_bpmn(payload)


@pytest.mark.parametrize("payload", [XXE, LAUGHS])
def test_deploy_reports_them_as_lint_problems(payload):
    with pytest.raises(InvalidDefinition) as caught:
        compile_bundle(Bundle(bpmn={"upload.bpmn": payload}))
    [problem] = caught.value.problems
    assert problem.file == "upload.bpmn" and problem.code == "xml"
    assert "root:" not in problem.message  # no file content leaked into the message


def test_size_limit():
    with pytest.raises(UnsafeXML, match="limit"):
        parse_bpmn(b"<d>" + b" " * MAX_BPMN_BYTES + b"</d>")


def test_malformed_xml_has_a_line():
    with pytest.raises(UnsafeXML) as caught:
        parse_bpmn(b"<a>\n<b>\n</a>")
    assert caught.value.line in (2, 3) and "not well-formed" in str(caught.value)
