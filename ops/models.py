from django.db import models


class Heartbeat(models.Model):
    """The last time a periodic task ran: beat's pulse, read by /health/ready."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
