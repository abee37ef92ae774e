import { useEffect, useState } from 'react';
import { useI18n } from '../lib/i18n';

/** Picks up to 9 photos (camera on phones) and shows thumbnails; the parent uploads them. */
export function PhotoPicker({ files, onChange }: { files: File[]; onChange: (f: File[]) => void }) {
  const { t } = useI18n();
  const [urls, setUrls] = useState<string[]>([]);
  useEffect(() => {
    const u = files.map((f) => URL.createObjectURL(f));
    setUrls(u);
    return () => {
      for (const x of u) URL.revokeObjectURL(x);
    };
  }, [files]);
  return (
    <div className="photo-picker">
      <label className="btn secondary file-btn">
        📷 {t('addPhotos')}
        <input
          type="file"
          accept="image/jpeg,image/png,image/webp"
          capture="environment"
          multiple
          onChange={(e) => {
            onChange([...files, ...(e.target.files ? [...e.target.files] : [])].slice(0, 9));
            e.target.value = '';
          }}
        />
      </label>
      <div className="thumbs">
        {urls.map((u, i) => (
          <button
            key={u}
            type="button"
            className="thumb"
            aria-label={t('removePhoto')}
            onClick={() => onChange(files.filter((_, j) => j !== i))}
          >
            <img src={u} alt="" />
          </button>
        ))}
      </div>
    </div>
  );
}
