"""SpiffWorkflow behind Yishi: state (de)serialisation, the open-task projection, diagrams, timers.

Importing the package routes SpiffWorkflow's timers through the engine clock."""

from engine.workflow.timers import install

install()
