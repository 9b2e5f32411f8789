import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** What the person chose before joining a call. */
export interface DeviceChoice {
  microphoneId: string | null;
  cameraId: string | null;
  /** Join with the microphone on. */
  microphone: boolean;
  /** Join with the camera on. */
  camera: boolean;
}

/** The loudness of an analyser's signal now, 0..1 (root mean square of the waveform). */
function levelOf(analyser: AnalyserNode, samples: Float32Array<ArrayBuffer>): number {
  analyser.getFloatTimeDomainData(samples);
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.min(1, Math.sqrt(sum / samples.length) * 4);
}

/**
 * The check before joining: choose microphone and camera, see the camera and a live microphone
 * level, and decide whether to join with each switched on.
 */
export function DeviceCheck({ onJoin, onCancel }: { onJoin: (choice: DeviceChoice) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [microphones, setMicrophones] = useState<MediaDeviceInfo[]>([]);
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [microphoneId, setMicrophoneId] = useState<string | null>(null);
  const [cameraId, setCameraId] = useState<string | null>(null);
  const [startMuted, setStartMuted] = useState(false);
  const [startCameraOff, setStartCameraOff] = useState(false);
  const [level, setLevel] = useState(0);
  const [failed, setFailed] = useState(false);
  const videoRef = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    let cancelled = false;
    let stream: MediaStream | null = null;
    let audio: AudioContext | null = null;
    let frame = 0;
    (async () => {
      const wanted: MediaStreamConstraints = {
        audio: microphoneId ? { deviceId: { exact: microphoneId } } : true,
        video: cameraId === '' ? false : cameraId ? { deviceId: { exact: cameraId } } : true,
      };
      stream = await navigator.mediaDevices.getUserMedia(wanted).catch(() => navigator.mediaDevices.getUserMedia({ audio: wanted.audio!, video: false }));
      if (cancelled) return stream.getTracks().forEach((track) => track.stop());
      // Device names are readable only once access was granted.
      const devices = await navigator.mediaDevices.enumerateDevices();
      if (cancelled) return;
      setMicrophones(devices.filter((device) => device.kind === 'audioinput'));
      setCameras(devices.filter((device) => device.kind === 'videoinput'));
      setMicrophoneId((current) => current ?? stream!.getAudioTracks()[0]?.getSettings().deviceId ?? null);
      setCameraId((current) => current ?? stream!.getVideoTracks()[0]?.getSettings().deviceId ?? '');
      setFailed(false);
      if (videoRef.current) videoRef.current.srcObject = stream.getVideoTracks().length > 0 ? stream : null;
      audio = new AudioContext();
      const analyser = audio.createAnalyser();
      analyser.fftSize = 1024;
      audio.createMediaStreamSource(stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      const tick = () => {
        setLevel(Math.round(levelOf(analyser, samples) * 100) / 100);
        frame = requestAnimationFrame(tick);
      };
      tick();
    })().catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
      cancelAnimationFrame(frame);
      stream?.getTracks().forEach((track) => track.stop());
      void audio?.close();
    };
  }, [microphoneId, cameraId]);

  const join = () =>
    onJoin({
      microphoneId,
      cameraId: cameraId || null,
      microphone: !failed && !startMuted,
      camera: !failed && !startCameraOff && Boolean(cameraId),
    });

  return (
    <div className="media-check" data-testid="device-check">
      <h3>{t('media.deviceCheck')}</h3>
      {failed ? <p role="alert">{t('media.noDevices')}</p> : null}
      <div className="media-check-devices">
        <label htmlFor={`${id}-mic`}>{t('media.microphone')}</label>
        <select id={`${id}-mic`} value={microphoneId ?? ''} onChange={(event) => setMicrophoneId(event.target.value)}>
          {microphones.map((device, index) => (
            <option key={device.deviceId} value={device.deviceId}>
              {device.label || `${t('media.microphone')} ${index + 1}`}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-level`}>{t('media.micLevel')}</label>
        <meter id={`${id}-level`} min={0} max={1} value={level} data-testid="mic-level" data-level={level} />
        <label htmlFor={`${id}-cam`}>{t('media.camera')}</label>
        <select id={`${id}-cam`} value={cameraId ?? ''} onChange={(event) => setCameraId(event.target.value)}>
          <option value="">{t('media.noCamera')}</option>
          {cameras.map((device, index) => (
            <option key={device.deviceId} value={device.deviceId}>
              {device.label || `${t('media.camera')} ${index + 1}`}
            </option>
          ))}
        </select>
      </div>
      {cameraId ? <video ref={videoRef} className="media-preview" autoPlay muted playsInline aria-label={t('media.preview')} /> : null}
      <label className="checkbox">
        <input type="checkbox" checked={startMuted} onChange={(event) => setStartMuted(event.target.checked)} /> {t('media.startMuted')}
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={startCameraOff} onChange={(event) => setStartCameraOff(event.target.checked)} /> {t('media.startCameraOff')}
      </label>
      <div className="media-check-actions">
        <button type="button" className="primary" onClick={join}>
          {t('media.joinNow')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('media.cancel')}
        </button>
      </div>
    </div>
  );
}
