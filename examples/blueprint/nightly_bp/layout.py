"""Layout generator: a workflow WorkflowName with extract -> load."""
from awsglue.blueprint.job import Job
from awsglue.blueprint.workflow import Entities, Workflow


def generate_layout(user_params, system_params):
    def command(script):
        return {"Name": "pythonshell", "ScriptLocation": user_params["ScriptDir"] + "/" + script}

    extract = Job(Name="extract", Role=user_params["Role"], Command=command("extract.py"))
    load = Job(Name="load", Role=user_params["Role"], Command=command("load.py"), DependsOn={extract: "SUCCEEDED"})
    return Workflow(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[extract, load]))
