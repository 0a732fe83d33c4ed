# A running data job's heartbeat, so a job left running by a dead worker can be failed.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outcomes', '0011_data_jobs'),
    ]

    operations = [
        migrations.AddField(
            model_name='datajob',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, help_text='When the worker running the job last said it was alive. A running job whose heartbeat is too old is failed by the sweep: its worker was interrupted.', null=True),
        ),
        migrations.AddIndex(
            model_name='datajob',
            index=models.Index(condition=models.Q(('status', 'running')), fields=['heartbeat_at'], name='data_job_running_heartbeat'),
        ),
    ]
