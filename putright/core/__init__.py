"""What every PutRight app uses: named errors, the clock, permissions and background scheduling.

Sits just above `putright.rules` and below every other app: it imports no PutRight app.
"""
