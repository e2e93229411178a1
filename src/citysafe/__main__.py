from citysafe.cli import app

app()
